// Pixel bytes to floats in [0, 1], as x / 255 in single precision.
//
// Swift compiles the loop for baseline x86-64 as one scalar division per pixel, a few
// percent of a training step. Division is correctly rounded at every width, so this
// gives the same floats as the scalar loop (and as NumPy's `astype(float32) / 255`).
#include "kernels.h"

// No contraction into fused multiply-adds: each product and sum is rounded on its own, so
// every vector width, and the scalar formula, give the same bits.
#pragma clang fp contract(off)

static inline __attribute__((always_inline)) void scale(const unsigned char *restrict bytes, float *restrict floats,
                                                        long count) {
    for (long i = 0; i < count; i++) floats[i] = (float)bytes[i] / 255.0f;
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw"))) static void scale_avx512(const unsigned char *restrict bytes,
                                                                    float *restrict floats, long count) {
    scale(bytes, floats, count);
}

__attribute__((target("avx2"))) static void scale_avx2(const unsigned char *restrict bytes, float *restrict floats,
                                                        long count) {
    scale(bytes, floats, count);
}
#endif

static void scale_baseline(const unsigned char *restrict bytes, float *restrict floats, long count) {
    scale(bytes, floats, count);
}

void vae_scale_pixels(const unsigned char *bytes, float *floats, long count) {
#if defined(__x86_64__)
    switch (vae_cpu_level()) {
    case VAE_CPU_AVX512: scale_avx512(bytes, floats, count); return;
    case VAE_CPU_AVX2: scale_avx2(bytes, floats, count); return;
    default: break;
    }
#endif
    scale_baseline(bytes, floats, count);
}
