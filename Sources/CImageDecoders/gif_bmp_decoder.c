// GIF and BMP through stb_image compiled inside this package for those two formats alone:
// none of its other loaders (TGA, PSD, HDR, PNM, PIC, and its PNG and JPEG) exists in this
// build, dimensions beyond 2^14 are refused inside it, and every allocation it makes is
// zeroed, so a malformed file cannot show the contents of uninitialised memory. A GIF
// gives its first frame only. The symbols stay private to this file, apart from the
// system's own stb_image, which the pictures the package writes still use.
#include "decoders.h"

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

int vae_gif_bmp_read_header(const unsigned char *data, size_t size, vae_picture_header *header) {
    if (size > 0x7fffffff) return refuse(header, "a %s file too large to read", name(header));
    int width = 0, height = 0, components = 0;
    if (!stbi_info_from_memory(data, (int)size, &width, &height, &components))
        return refuse(header, "a corrupt %s file (%s)", name(header), stbi_failure_reason());
    if (width <= 0 || height <= 0) return refuse(header, "a %s file that declares %d×%d pixels", name(header), width, height);
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
