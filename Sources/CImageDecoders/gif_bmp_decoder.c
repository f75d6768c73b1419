// GIF and BMP through stb_image compiled inside this package for those two formats alone:
// none of its other loaders (TGA, PSD, HDR, PNM, PIC, and its PNG and JPEG) exists in this
// build, dimensions beyond 2^14 are refused inside it, and every allocation it makes is
// zeroed, so a malformed file cannot show the contents of uninitialised memory. A GIF
// gives its first frame only. The symbols stay private to this file, apart from the
// system's own stb_image, which the pictures the package writes still use.
#include "decoders.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(off)

#define STBI_ONLY_GIF
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS (1 << 14)
#define STBI_MALLOC(size) calloc(1, size)
#define STBI_REALLOC(pointer, size) realloc(pointer, size)
#define STBI_FREE(pointer) free(pointer)
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

static const char *name(const vae_picture_header *header) { return header->format == VAE_PICTURE_GIF ? "GIF" : "BMP"; }

static uint32_t little_endian(const unsigned char *p, int bytes) {
    uint32_t value = 0;
    for (int i = bytes - 1; i >= 0; i--) value = value << 8 | p[i];
    return value;
}

// An uncompressed BMP holds every row in full: a file shorter than its header's rows is
// refused before a buffer of their size is taken (the decoder would read zeros past its
// end). Compressed BMPs (run-length, JPEG or PNG inside) are refused.
static int check_bmp_size(const unsigned char *data, size_t size, vae_picture_header *header) {
    if (size < 26) return refuse(header, "a BMP file cut short before its header ends");
    uint32_t offset = little_endian(data + 10, 4), info = little_endian(data + 14, 4);
    int64_t width, height;
    uint32_t bits, compression = 0;
    if (info == 12) {
        width = little_endian(data + 18, 2), height = little_endian(data + 20, 2);  // unsigned, as stb reads them
        bits = little_endian(data + 24, 2);
    } else {
        if (size < 34) return refuse(header, "a BMP file cut short before its header ends");
        width = (int32_t)little_endian(data + 18, 4), height = (int32_t)little_endian(data + 22, 4);
        bits = little_endian(data + 28, 2), compression = little_endian(data + 30, 4);
    }
    // Uncompressed, or with bit fields: what stb reads. It reads other codes it does not know
    // as uncompressed rows, so they are refused here.
    if (compression != 0 && compression != 3 && compression != 6)
        return refuse(header, "a BMP file compressed in a way this program does not read (method %u)", compression);
    if (height < 0) height = -height;
    int64_t row = (width * (int64_t)bits + 31) / 32 * 4;  // rows are padded to 4 bytes
    double needed = (double)offset + (double)row * (double)height;
    if (width > 0 && bits > 0 && (double)size < needed)
        return refuse(header, "a BMP file of %zu bytes cut short: its header declares %lld×%lld pixels", size,
                      (long long)width, (long long)height);
    return 0;
}

int vae_gif_bmp_read_header(const unsigned char *data, size_t size, vae_picture_header *header) {
    if (size > 0x7fffffff) return refuse(header, "a %s file too large to read", name(header));
    if (header->format == VAE_PICTURE_BMP && check_bmp_size(data, size, header) != 0) return -1;
    int width = 0, height = 0, components = 0;
    if (!stbi_info_from_memory(data, (int)size, &width, &height, &components))
        return refuse(header, "a corrupt %s file (%s)", name(header), stbi_failure_reason());
    // A BMP stored top-down declares a negative height; stb decodes it the right way up.
    if (header->format == VAE_PICTURE_BMP && height < 0 && height > INT32_MIN) height = -height;
    if (width <= 0 || height <= 0) return refuse(header, "a %s file that declares %d×%d pixels", name(header), width, height);
    // stb checks its limit on the sides only when it decodes; here, before any buffer.
    if (width > STBI_MAX_DIMENSIONS || height > STBI_MAX_DIMENSIONS)
        return refuse(header, "a %s file of %d×%d pixels: sides above %d are not read", name(header), width, height,
                      STBI_MAX_DIMENSIONS);
    // A GIF's picture is its logical screen, which its header sets at will, and stb holds
    // three screens of 4 bytes a pixel while it decodes: GIFs are read up to 16 megapixels,
    // and with at least one byte of the file per 4096 pixels, more than LZW can expand.
    if (header->format == VAE_PICTURE_GIF && (double)width * height > 16.0 * (1 << 20))
        return refuse(header, "a GIF file of %d×%d pixels: GIFs above 16 megapixels are not read", width, height);
    if (header->format == VAE_PICTURE_GIF && (double)width * height > (double)size * 4096)
        return refuse(header, "a GIF file of %zu bytes that declares %d×%d pixels, more than its data can hold", size, width, height);
    header->width = width;
    header->height = height;
    return 0;
}

int vae_gif_bmp_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba) {
    if (size > 0x7fffffff) return refuse(header, "a %s file too large to read", name(header));
    int width = 0, height = 0, components = 0;
    unsigned char *pixels = stbi_load_from_memory(data, (int)size, &width, &height, &components, 4);
    if (!pixels) return refuse(header, "a corrupt %s file (%s)", name(header), stbi_failure_reason());
    int same = width == header->width && height == header->height;
    if (same) memcpy(rgba, pixels, (size_t)width * height * 4);
    stbi_image_free(pixels);
    return same ? 0 : refuse(header, "a %s file whose dimensions changed between two reads", name(header));
}
