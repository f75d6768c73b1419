// The format of a file by its first bytes, and the dispatch to its decoder. Formats this
// package does not decode are named when they are recognised, so that a user learns what
// the file is rather than only that it was refused.
#include "decoders.h"

#include <string.h>

// Version 1 decoded every format with the system's stb_image; version 2 reads PNG with
// libpng, JPEG with libjpeg-turbo and GIF and BMP with stb_image compiled for those two.
enum { DECODERS_VERSION = 2 };

int vae_picture_decoders_version(void) { return DECODERS_VERSION; }

static int starts_with(const unsigned char *data, size_t size, const char *prefix, size_t length) {
    return size >= length && memcmp(data, prefix, length) == 0;
}

static vae_picture_format format_of(const unsigned char *data, size_t size) {
    if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return VAE_PICTURE_PNG;
    if (starts_with(data, size, "\xff\xd8\xff", 3)) return VAE_PICTURE_JPEG;
    if (starts_with(data, size, "GIF87a", 6) || starts_with(data, size, "GIF89a", 6)) return VAE_PICTURE_GIF;
    if (starts_with(data, size, "BM", 2)) return VAE_PICTURE_BMP;
    return VAE_PICTURE_UNKNOWN;
}

// A name for a format recognised but not read, or NULL.
static const char *other_format(const unsigned char *data, size_t size) {
    if (starts_with(data, size, "#?RADIANCE", 10) || starts_with(data, size, "#?RGBE", 6)) return "a Radiance HDR file";
    if (size >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7') return "a PNM file";
    if (starts_with(data, size, "8BPS", 4)) return "a Photoshop file";
    if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4)) return "a TIFF file";
    if (size >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0) return "a WebP file";
    if (size >= 12 && memcmp(data + 4, "ftyp", 4) == 0) return "an HEIF or AVIF file";
    if (starts_with(data, size, "\0\0\1\0", 4)) return "an icon file";
    if (starts_with(data, size, "%PDF", 4)) return "a PDF file";
    if (starts_with(data, size, "<?xml", 5) || starts_with(data, size, "<svg", 4)) return "an SVG or XML file";
    return NULL;
}

int vae_picture_read_header(const unsigned char *data, size_t size, vae_picture_header *header) {
    memset(header, 0, sizeof *header);
    if (size == 0) return refuse(header, "the file is empty");
    header->format = format_of(data, size);
    switch (header->format) {
    case VAE_PICTURE_PNG: return vae_png_read_header(data, size, header);
    case VAE_PICTURE_JPEG: return vae_jpeg_read_header(data, size, header);
    case VAE_PICTURE_GIF:
    case VAE_PICTURE_BMP: return vae_gif_bmp_read_header(data, size, header);
    case VAE_PICTURE_UNKNOWN: break;
    }
    const char *other = other_format(data, size);
    return other ? refuse(header, "not PNG/JPEG/BMP/GIF: %s", other)
                 : refuse(header, "not PNG/JPEG/BMP/GIF by its content");
}

int vae_picture_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba) {
    switch (header->format) {
    case VAE_PICTURE_PNG: return vae_png_decode(data, size, header, rgba);
    case VAE_PICTURE_JPEG: return vae_jpeg_decode(data, size, header, rgba);
    case VAE_PICTURE_GIF:
    case VAE_PICTURE_BMP: return vae_gif_bmp_decode(data, size, header, rgba);
    case VAE_PICTURE_UNKNOWN: break;
    }
    return refuse(header, "not PNG/JPEG/BMP/GIF by its content");
}
