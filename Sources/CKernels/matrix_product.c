// Single-precision matrix products in the package's own kernel, for processors with
// AVX-512 or with AVX2 and FMA.
//
// The book's model multiplies batches of 128 rows by weight matrices no wider than 784:
// shapes too small for a general BLAS to amortise its packing and threading, and on
// processors newer than the installed OpenBLAS it falls back to SSE3 kernels. The kernel
// itself is written once (matrix_product_kernel.h) and compiled for each instruction set
// (matrix_product_avx512.c, matrix_product_avx2.c); this file holds what they share and
// chooses between them.
#include "kernels.h"
#include "matrix_product.h"

#pragma clang fp contract(off)

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// As in every file of this target: no contraction into fused multiply-adds beyond the
// explicit ones of the kernel below.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include <immintrin.h>

// Each thread's copy of the slice of b its row blocks share.
static _Thread_local float *panel_storage = NULL;
static _Thread_local size_t panel_capacity = 0;

float *panel_buffer(size_t count) {
    if (count > panel_capacity) {
        free(panel_storage);
        panel_storage = aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
        if (!panel_storage) abort();
        panel_capacity = count;
    }
    return panel_storage;
}

// Transposes the 8 × 8 block at source (rows `source_stride` apart) into destination.
static inline __attribute__((always_inline)) AVX2 void transpose8(
    const float *source, long source_stride, float *destination, long destination_stride) {
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(source + i * source_stride);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(destination + i * destination_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
        _mm256_storeu_ps(destination + (i + 4) * destination_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
    }
}

// The same slice of op(b) when b is stored transposed (element (p, j) at b[j·leading + p]),
// in blocks of 8 × 8 transposed in registers.
AVX2 void pack_transposed(const float *b, long leading, int p0, int p1, int j0, int width,
                                   float *destination, long stride) {
    int p = p0;
    for (; p + 8 <= p1; p += 8) {
        int j = 0;
        if (p + 16 <= p1)
            for (int q = 0; q < width; q++) _mm_prefetch((const char *)(b + (long)(j0 + q) * leading + p + 8), _MM_HINT_T0);
        for (; j + 8 <= width; j += 8)
            transpose8(b + (long)(j0 + j) * leading + p, leading, destination + (long)(p - p0) * stride + j, stride);
        for (; j < width; j++)
            for (int q = p; q < p + 8; q++) destination[(long)(q - p0) * stride + j] = b[(long)(j0 + j) * leading + q];
    }
    for (; p < p1; p++)
        for (int j = 0; j < width; j++) destination[(long)(p - p0) * stride + j] = b[(long)(j0 + j) * leading + p];
    // Zeros past the matrix: the kernel reads whole registers.
    for (p = p0; p < p1 && width < stride; p++)
        memset(destination + (long)(p - p0) * stride + width, 0, (size_t)(stride - width) * sizeof(float));
}

int vae_matrix_product_available(void) { return vae_cpu_level() >= VAE_CPU_AVX2; }

// Counted only when a benchmark asks: training itself does no bookkeeping per product.
// Whole nanoseconds and multiply-adds, added atomically, so both cores' counts add up.
static _Atomic int counting = 0;
static _Atomic unsigned long long total_nanoseconds = 0, total_multiply_adds = 0;

void vae_matrix_product_count(int on) { atomic_store(&counting, on); }

void vae_matrix_product_totals(double *seconds, double *multiply_adds) {
    *seconds = 1e-9 * (double)atomic_load(&total_nanoseconds);
    *multiply_adds = (double)atomic_load(&total_multiply_adds);
}

static unsigned long long nanoseconds_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (unsigned long long)now.tv_sec * 1000000000ull + (unsigned long long)now.tv_nsec;
}

static void multiply(int m, int n, int k, const float *a, int transpose_a, const float *b, int transpose_b,
                     float *c, float alpha, float beta);

void vae_matrix_product(int m, int n, int k, const float *a, int transpose_a, const float *b, int transpose_b,
                        float *c, float alpha, float beta) {
    if (!atomic_load_explicit(&counting, memory_order_relaxed)) {
        multiply(m, n, k, a, transpose_a, b, transpose_b, c, alpha, beta);
        return;
    }
    unsigned long long start = nanoseconds_now();
    multiply(m, n, k, a, transpose_a, b, transpose_b, c, alpha, beta);
    atomic_fetch_add_explicit(&total_nanoseconds, nanoseconds_now() - start, memory_order_relaxed);
    if (m > 0 && n > 0 && k > 0)
        atomic_fetch_add_explicit(&total_multiply_adds, (unsigned long long)m * (unsigned long long)n * (unsigned long long)k,
                                  memory_order_relaxed);
}

static void multiply(int m, int n, int k, const float *a, int transpose_a, const float *b, int transpose_b,
                    float *c, float alpha, float beta) {
    if (m <= 0 || n <= 0) return;
    // Below some 100,000 multiply-adds (a few microseconds) a second thread costs more
    // than it saves.
    double work = (double)m * n * (k > 0 ? k : 1);
    int parts = work < 100000 ? 1 : vae_parallel_width_here();
    if (parts > 2 && work < 1e6 * parts) parts = 2;
    product_t product = {
        .m = m, .n = n, .k = k, .a = a,
        .row_stride_a = transpose_a ? 1 : k, .column_stride_a = transpose_a ? m : 1,
        .b = b, .leading_b = transpose_b ? k : n, .transposed_b = transpose_b,
        .c = c, .alpha = alpha, .beta = beta,
    };
    if (vae_cpu_level() >= VAE_CPU_AVX512)
        vae_matrix_product_avx512(&product, parts);
    else
        vae_matrix_product_avx2(&product, parts);
}

#else

void vae_matrix_product_count(int on) { (void)on; }

void vae_matrix_product_totals(double *seconds, double *multiply_adds) { *seconds = 0; *multiply_adds = 0; }

int vae_matrix_product_available(void) { return 0; }

void vae_matrix_product(int m, int n, int k, const float *a, int transpose_a, const float *b, int transpose_b,
                        float *c, float alpha, float beta) {
    (void)m; (void)n; (void)k; (void)a; (void)transpose_a; (void)b; (void)transpose_b;
    (void)c; (void)alpha; (void)beta;
    abort();
}

#endif
