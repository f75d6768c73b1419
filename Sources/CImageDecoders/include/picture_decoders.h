// Decoders for pictures from anywhere: each format goes to a decoder made for untrusted
// input, chosen by the file's first bytes, never by its name.
#ifndef VAE_PICTURE_DECODERS_H
#define VAE_PICTURE_DECODERS_H

#include <stddef.h>

typedef enum {
    VAE_PICTURE_UNKNOWN = 0,
    VAE_PICTURE_PNG,
    VAE_PICTURE_JPEG,
    VAE_PICTURE_GIF,
    VAE_PICTURE_BMP,
} vae_picture_format;

typedef struct {
    vae_picture_format format;
    int width, height;
    // Why the file was refused, in words for the user, when a call returned nonzero.
    char problem[192];
} vae_picture_header;

// The format, from the first bytes, and the dimensions, from the header alone: nothing is
// decoded or allocated for the pixels. Returns 0, or nonzero with `header->problem` set.
int vae_picture_read_header(const unsigned char *data, size_t size, vae_picture_header *header);

// Decodes the picture whose header `header` holds into `rgba`, width × height × 4 bytes,
// 8-bit RGBA. Returns 0, or nonzero with `header->problem` set. A decoder allocates no
// more than the header's dimensions need, and a file with more compressed data than its
// image needs is refused rather than inflated.
int vae_picture_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba);

// Changes whenever the pixels a file decodes to could change: part of the cache's key.
int vae_picture_decoders_version(void);

#endif
