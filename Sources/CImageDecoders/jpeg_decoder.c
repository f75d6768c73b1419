// JPEG through libjpeg-turbo's TurboJPEG interface, which Debian maintains for security.
// The dimensions come from the header before anything is decoded; a progressive file may
// take at most the library's limit of scans (TJFLAG_LIMITSCANS), which bounds the time a
// small file can cost; the image is decoded straight into the caller's buffer.
//
// Pixels differ from stb_image's (the decoder before this one) by a few levels: libjpeg-
// turbo's accurate integer inverse DCT and its smooth chroma upsampling replace stb's.
// CMYK files (Adobe's, stored inverted) are converted as stb converted them.
#include "decoders.h"

#include <string.h>
#include <turbojpeg.h>

#pragma clang fp contract(off)

// Whether an end-of-image marker follows the first scan. The segments before it (an Exif
// thumbnail with markers of its own among them) are skipped by their lengths; inside the
// entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker, so 0xFF 0xD9
// there is the end. A file cut short has none; libjpeg-turbo reports only its first warning,
// so its "premature end" could hide behind another one.
static int has_end_marker(const unsigned char *data, size_t size) {
    size_t i = 2;
    while (i + 4 <= size) {
        if (data[i] != 0xFF) return 0;
        while (i < size && data[i] == 0xFF) i++;  // fill bytes
        if (i >= size) return 0;
        unsigned char marker = data[i++];
        if (marker == 0xD9) return 0;  // an end before any scan
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;
        if (i + 2 > size) return 0;
        size_t length = (size_t)data[i] << 8 | data[i + 1];
        if (marker == 0xDA) {
            for (size_t j = i + length; j + 1 < size; j++)
                if (data[j] == 0xFF && data[j + 1] == 0xD9) return 1;
            return 0;
        }
        i += length;
    }
    return 0;
}

int vae_jpeg_read_header(const unsigned char *data, size_t size, vae_picture_header *header) {
    tjhandle decoder = tjInitDecompress();
    if (!decoder) return refuse(header, "out of memory for the JPEG decoder");
    int width = 0, height = 0, subsampling = 0, colourspace = 0;
    int status = tjDecompressHeader3(decoder, data, (unsigned long)size, &width, &height, &subsampling, &colourspace);
    if (status != 0) refuse(header, "a corrupt JPEG file (libjpeg-turbo: %s)", tjGetErrorStr2(decoder));
    tjDestroy(decoder);
    if (status != 0) return -1;
    if (width <= 0 || height <= 0) return refuse(header, "a JPEG file that declares %d×%d pixels", width, height);
    // One byte of the file per 4096 pixels at the least (a flat JPEG needs some 60 times
    // more): a JPEG of a few bytes cannot have buffers of millions of pixels taken.
    if ((double)width * height > (double)size * 4096)
        return refuse(header, "a JPEG file of %zu bytes that declares %d×%d pixels, more than its data can hold", size, width, height);
    if (!has_end_marker(data, size)) return refuse(header, "a JPEG file cut short (no end marker after its image data)");
    header->width = width;
    header->height = height;
    return 0;
}

// x · y / 255, rounded as stb_image rounds it.
static unsigned char scaled(unsigned char x, unsigned char y) {
    unsigned t = (unsigned)x * y + 128;
    return (unsigned char)((t + (t >> 8)) >> 8);
}

int vae_jpeg_decode(const unsigned char *data, size_t size, vae_picture_header *header, unsigned char *rgba) {
    tjhandle decoder = tjInitDecompress();
    if (!decoder) return refuse(header, "out of memory for the JPEG decoder");
    int width = 0, height = 0, subsampling = 0, colourspace = 0;
    int result = -1;
    if (tjDecompressHeader3(decoder, data, (unsigned long)size, &width, &height, &subsampling, &colourspace) != 0) {
        refuse(header, "a corrupt JPEG file (libjpeg-turbo: %s)", tjGetErrorStr2(decoder));
    } else if (width != header->width || height != header->height) {
        refuse(header, "a JPEG file whose dimensions changed between two reads");
    } else {
        int cmyk = colourspace == TJCS_CMYK || colourspace == TJCS_YCCK;
        int status = tjDecompress2(decoder, data, (unsigned long)size, rgba, width, width * 4, height,
                                   cmyk ? TJPF_CMYK : TJPF_RGBA, TJFLAG_LIMITSCANS);
        // Warnings (a stray byte between markers, say) leave a whole image; a file cut
        // short would leave grey rows, so it is refused like any error.
        const char *message = status != 0 ? tjGetErrorStr2(decoder) : "";
        if (status != 0 && (tjGetErrorCode(decoder) == TJERR_FATAL || strstr(message, "Premature end"))) {
            refuse(header, "a corrupt or truncated JPEG file (libjpeg-turbo: %s)", message);
        } else {
            if (cmyk) {
                for (size_t i = 0, n = (size_t)width * height; i < n; i++) {
                    unsigned char *p = rgba + 4 * i, k = p[3];
                    p[0] = scaled(p[0], k), p[1] = scaled(p[1], k), p[2] = scaled(p[2], k), p[3] = 255;
                }
            }
            result = 0;
        }
    }
    tjDestroy(decoder);
    return result;
}
