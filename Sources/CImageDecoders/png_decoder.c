// PNG through libpng, which Debian maintains for security, with limits set before a byte
// of the image is read: the dimensions must be the header's, chunks are capped in size and
// number, text and colour-profile chunks are skipped unread, and the image's rows are
// inflated straight into the caller's buffer. Whatever compressed data remains after the
// last row makes the file refused, so a small file cannot inflate to gigabytes.
//
// Pixels are those stb_image gave (the decoder before this one): 16-bit samples keep their
// high byte, palettes and grey levels expand to RGB, transparency becomes alpha, and no
// gamma or colour-profile correction is applied.
#include "decoders.h"

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(off)

typedef struct {
    vae_picture_header *header;
    unsigned char *rgba;
    int transforms_set, finished, interlaced;
    size_t rows_received;  // rows of their own pass: the image's rows once each, pass by pass
} png_target;

static uint32_t big_endian32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int vae_png_read_header(const unsigned char *data, size_t size, vae_picture_header *header) {
    // The signature (8 bytes), then the IHDR chunk: length 13, type, width, height, …
    if (size < 8 + 8 + 13 + 4) return refuse(header, "a PNG file cut short before its header ends");
    if (big_endian32(data + 8) != 13 || memcmp(data + 12, "IHDR", 4) != 0)
        return refuse(header, "a PNG file without its IHDR header first");
    uint32_t width = big_endian32(data + 16), height = big_endian32(data + 20);
    if (width == 0 || height == 0 || width > PNG_UINT_31_MAX || height > PNG_UINT_31_MAX || width > INT32_MAX / 4)
        return refuse(header, "a PNG file that declares %u×%u pixels", width, height);
    // Deflate gives at most about 1032 bytes for one: a file too small to hold the rows its
    // header declares is refused before a buffer of their size is taken.
    static const int channels_of_colour[7] = {1, 0, 3, 1, 2, 0, 4};
    unsigned depth = data[24], colour = data[25];
    int channels = colour < 7 ? channels_of_colour[colour] : 0;
    if (channels == 0 || depth == 0 || depth > 16) return refuse(header, "a PNG file of an unknown colour type or depth");
    double row = 1 + ((double)width * channels * depth + 7) / 8;
    if ((double)size * 1032 < row * height)
        return refuse(header, "a PNG file of %zu bytes that declares %u×%u pixels, more than its data can hold", size, width, height);
    header->width = (int)width;
    header->height = (int)height;
    return 0;
}

static void failed(png_structp png, png_const_charp message) {
    png_target *target = png_get_error_ptr(png);
    refuse(target->header, "a corrupt PNG file (libpng: %s)", message);
    png_longjmp(png, 1);
}

// libpng stops inflating at the first byte past the image and only warns of it: here that
// is an error, so the file is refused rather than decoded from part of its data.
static void warned(png_structp png, png_const_charp message) {
    if (strstr(message, "Extra compressed data") || strstr(message, "Truncated compressed data")) {
        png_target *target = png_get_error_ptr(png);
        refuse(target->header, "a PNG file with more or less compressed data than its %d×%d pixels need (libpng: %s)",
               target->header->width, target->header->height, message);
        png_longjmp(png, 1);
    }
}

// Ancillary chunks that can be large or compressed and that the pixels do not need.
static const png_byte skipped_chunks[] = "iCCP\0iTXt\0tEXt\0zTXt\0sPLT\0eXIf\0";

// The header is read: the transforms to 8-bit RGBA, then the rows.
static void header_read(png_structp png, png_infop info) {
    png_target *target = png_get_progressive_ptr(png);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if (width != (png_uint_32)target->header->width || height != (png_uint_32)target->header->height)
        png_error(png, "dimensions other than the header's");
    int depth = png_get_bit_depth(png, info), colour = png_get_color_type(png, info);
    if (depth == 16) png_set_strip_16(png);
    if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colour == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (colour == PNG_COLOR_TYPE_GRAY || colour == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_filler(png, 0xff, PNG_FILLER_AFTER);  // opaque alpha where the file has none
    target->interlaced = png_set_interlace_handling(png) > 1;
    // An interlaced image's rows start as transparent black, for the passes to fill in
    // (every row of a plain one is written whole).
    if (target->interlaced) memset(target->rgba, 0, (size_t)width * height * 4);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 4) png_error(png, "rows of an unexpected size");
    target->transforms_set = 1;
}

// A row of a pass: an interlaced picture's rows arrive seven times, each combined into
// what the earlier passes left.
static void row_read(png_structp png, png_bytep row, png_uint_32 number, int pass) {
    png_target *target = png_get_progressive_ptr(png);
    if (!row || !target->transforms_set) return;
    if (number >= (png_uint_32)target->header->height) png_error(png, "a row beyond the image");
    png_progressive_combine_row(png, target->rgba + (size_t)number * (size_t)target->header->width * 4, row);
    // An interlaced pass is also offered for the rows of later passes, to fill them in
    // coarsely: only a row of the pass itself counts.
    if (!target->interlaced || PNG_ROW_IN_INTERLACE_PASS(number, pass)) target->rows_received++;
}

// The rows a complete image delivers: each row once, or each pass's rows for the passes
// that have columns.
static size_t rows_expected(png_uint_32 width, png_uint_32 height, int interlaced) {
    if (!interlaced) return height;
    size_t rows = 0;
    for (int pass = 0; pass < 7; pass++)
        if (PNG_PASS_COLS(width, pass) > 0) rows += PNG_PASS_ROWS(height, pass);
    return rows;
}

// The IEND chunk (reached also when the compressed data ended before the last row).
static void end_read(png_structp png, png_infop info) {
    (void)info;
    png_target *target = png_get_progressive_ptr(png);
    target->finished = 1;
}

int vae_png_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba) {
    png_target target = {.header = header, .rgba = rgba, .transforms_set = 0, .finished = 0, .interlaced = 0, .rows_received = 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &target, failed, warned);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return refuse(header, "out of memory for the PNG decoder");
    }
    // Nothing below changes a local variable between setjmp and a longjmp back to it.
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_set_user_limits(png, (png_uint_32)header->width, (png_uint_32)header->height);
    png_set_chunk_cache_max(png, 64);
    png_set_chunk_malloc_max(png, 1 << 20);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped_chunks, (int)(sizeof skipped_chunks / 5));
    png_set_benign_errors(png, 0);  // "too many IDATs" and the like refuse the file
    png_set_progressive_read_fn(png, &target, header_read, row_read, end_read);
    png_process_data(png, info, (png_bytep)data, size);
    if (!target.finished) png_error(png, "cut short before its end");
    if (target.rows_received != rows_expected((png_uint_32)header->width, (png_uint_32)header->height, target.interlaced))
        png_error(png, "compressed data that ends before the image's last row");
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}
