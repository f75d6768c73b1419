// What the format-specific decoders share (not part of the module's interface).
#ifndef VAE_DECODERS_INTERNAL_H
#define VAE_DECODERS_INTERNAL_H

#include "picture_decoders.h"

#include <stdarg.h>
#include <stdio.h>

// Sets `header->problem` and returns -1.
static inline int refuse(vae_picture_header *header, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(header->problem, sizeof header->problem, format, arguments);
    va_end(arguments);
    return -1;
}

int vae_png_read_header(const unsigned char *data, size_t size, vae_picture_header *header);
int vae_png_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba);
int vae_jpeg_read_header(const unsigned char *data, size_t size, vae_picture_header *header);
int vae_jpeg_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba);
int vae_gif_bmp_read_header(const unsigned char *data, size_t size, vae_picture_header *header);
int vae_gif_bmp_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba);

#endif
