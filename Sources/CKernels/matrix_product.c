// Single-precision matrix products for processors with AVX-512.
//
// The book's model multiplies batches of 128 rows by weight matrices no wider than 784:
// shapes too small for a general BLAS to amortise its packing and threading, and on
// processors newer than the installed OpenBLAS it falls back to SSE3 kernels. This file
// computes a block of 8 rows × up to 48 columns in 24 registers, reading `a` in place
// (each element broadcast) and `b` row by row; only a transposed `b` is first copied
// into row-major order. Rows are split between the cores.
#include "kernels.h"

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

#define AVX512 __attribute__((target("avx512f,avx512vl,fma")))

typedef struct {
    int m, n, k;
    const float *a;
    long row_stride_a, column_stride_a;  // a(i, p) = a[i * row_stride_a + p * column_stride_a]
    const float *b;
    long leading_b;                      // b(p, j) = b[p * leading_b + j], or with
    int transposed_b;                    //   transposed_b, b[j * leading_b + p]
    float *c;
    float alpha, beta;
} product_t;

enum { ROWS = 8, VECTOR = 16, MAXIMUM_VECTORS = 3, PANEL = VECTOR * MAXIMUM_VECTORS, DEPTH = 192, PREFETCH_ROWS = 8 };

// c[rows × 16·vectors] block at (i0, j0); the last vector's lanes beyond the matrix are
// masked off. Inlined with constant `rows` and `vectors`, the accumulators live in registers.
static inline __attribute__((always_inline)) AVX512 void block(
    const product_t *product, int i0, int j0, int p0, int p1, const float *panel, long panel_stride,
    const int rows, const int vectors, __mmask16 last) {
    __m512 sum[ROWS][MAXIMUM_VECTORS];
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < vectors; v++) sum[r][v] = _mm512_setzero_ps();

    const float *a = product->a + i0 * product->row_stride_a + p0 * product->column_stride_a;
    const float *b = panel;
    const long row_stride = product->row_stride_a, column_stride = product->column_stride_a;
    const long leading_b = panel_stride;
    for (int p = p0; p < p1; p++) {
        __m512 bv[MAXIMUM_VECTORS];
        for (int v = 0; v < vectors; v++)
            bv[v] = v == vectors - 1 ? _mm512_maskz_loadu_ps(last, b + VECTOR * v) : _mm512_loadu_ps(b + VECTOR * v);
        for (int r = 0; r < rows; r++) {
            __m512 av = _mm512_set1_ps(a[r * row_stride]);
            for (int v = 0; v < vectors; v++) sum[r][v] = _mm512_fmadd_ps(av, bv[v], sum[r][v]);
        }
        a += column_stride;
        b += leading_b;
    }

    // The first slice of k applies beta to what c held; later slices add to it.
    const float beta_now = p0 == 0 ? product->beta : 1;
    const __m512 alpha = _mm512_set1_ps(product->alpha), beta = _mm512_set1_ps(beta_now);
    for (int r = 0; r < rows; r++) {
        float *c = product->c + (long)(i0 + r) * product->n + j0;
        for (int v = 0; v < vectors; v++) {
            __mmask16 mask = v == vectors - 1 ? last : (__mmask16)0xFFFF;
            __m512 result = _mm512_mul_ps(alpha, sum[r][v]);
            if (beta_now != 0)
                result = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(mask, c + VECTOR * v), result);
            _mm512_mask_storeu_ps(c + VECTOR * v, mask, result);
        }
    }
}

#define BLOCK_ROWS(rows)                                                   \
    switch (vectors) {                                                     \
    case 1: block(product, i0, j0, p0, p1, panel, panel_stride, rows, 1, last); break;                  \
    case 2: block(product, i0, j0, p0, p1, panel, panel_stride, rows, 2, last); break;                  \
    default: block(product, i0, j0, p0, p1, panel, panel_stride, rows, 3, last); break;                 \
    }

static AVX512 void any_block(const product_t *product, int i0, int rows, int j0, int p0, int p1, const float *panel,
                             long panel_stride, int vectors, __mmask16 last) {
    switch (rows) {
    case 1: BLOCK_ROWS(1) break;
    case 2: BLOCK_ROWS(2) break;
    case 3: BLOCK_ROWS(3) break;
    case 4: BLOCK_ROWS(4) break;
    case 5: BLOCK_ROWS(5) break;
    case 6: BLOCK_ROWS(6) break;
    case 7: BLOCK_ROWS(7) break;
    default: BLOCK_ROWS(8) break;
    }
}

// Each thread's copy of the slice of b its row blocks share.
static _Thread_local float *panel_storage = NULL;
static _Thread_local size_t panel_capacity = 0;

static float *panel_buffer(size_t count) {
    if (count > panel_capacity) {
        free(panel_storage);
        panel_storage = aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
        if (!panel_storage) abort();
        panel_capacity = count;
    }
    return panel_storage;
}

// Transposes the 8 × 8 block at source (rows `source_stride` apart) into destination.
static inline __attribute__((always_inline)) AVX512 void transpose8(
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

// Rows p0..<p1, columns j0..<j0 + width of b (row-major, rows `leading` apart) into
// destination, rows `stride` apart. Lanes past the matrix are never read: the last
// vector's loads are masked.
static AVX512 void pack_rows(const float *b, long leading, int p0, int p1, int j0, int vectors, __mmask16 last,
                             float *destination, long stride) {
    for (int p = p0; p < p1; p++) {
        const float *source = b + (long)p * leading + j0;
        float *row = destination + (long)(p - p0) * stride;
        // b is often far from this core (the other core's optimizer wrote it): asking
        // for rows ahead overlaps their misses.
        if (p + PREFETCH_ROWS < p1)
            for (int v = 0; v <= vectors; v++)
                _mm_prefetch((const char *)(source + PREFETCH_ROWS * leading + VECTOR * v), _MM_HINT_T0);
        for (int v = 0; v < vectors; v++) {
            __mmask16 mask = v == vectors - 1 ? last : (__mmask16)0xFFFF;
            _mm512_storeu_ps(row + VECTOR * v, _mm512_maskz_loadu_ps(mask, source + VECTOR * v));
        }
    }
}

// The same slice of op(b) when b is stored transposed (element (p, j) at b[j·leading + p]),
// in blocks of 8 × 8 transposed in registers.
static AVX512 void pack_transposed(const float *b, long leading, int p0, int p1, int j0, int width,
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
}

// Rows [first, end) and columns [column_first, column_end) of c: column panels outside
// so that a panel of b (k × 48) stays in the core's cache while every row block passes.
static AVX512 void product_region(const product_t *product, int first, int end, int column_first, int column_end) {
    for (int j0 = column_first; j0 < column_end; j0 += PANEL) {
        int width = column_end - j0 < PANEL ? column_end - j0 : PANEL;
        int vectors = (width + VECTOR - 1) / VECTOR;
        int tail = width - VECTOR * (vectors - 1);
        __mmask16 last = (__mmask16)(tail == VECTOR ? 0xFFFF : (1u << tail) - 1);
        // Slices of k small enough that the panel's slice stays in the first-level cache.
        // (k = 0 still passes once, to scale c by beta.)
        int slices = product->k > DEPTH ? (product->k + DEPTH - 1) / DEPTH : 1;
        int depth = (product->k + slices - 1) / slices;
        for (int p0 = 0, slice = 0; slice < slices; p0 += depth, slice++) {
            int p1 = product->k - p0 < depth ? product->k : p0 + depth;
            // When several row blocks will read this slice of the panel, it is first copied
            // into contiguous rows of 16·vectors floats, which stream from the cache
            // without partial lines or strides; a transposed b is always copied so.
            const float *panel = product->b + (long)p0 * product->leading_b + j0;
            long panel_stride = product->leading_b;
            if ((product->transposed_b || end - first > ROWS) && p1 > p0) {
                panel_stride = VECTOR * vectors;
                float *packed = panel_buffer((size_t)(p1 - p0) * panel_stride);
                if (product->transposed_b)
                    pack_transposed(product->b, product->leading_b, p0, p1, j0, width, packed, panel_stride);
                else
                    pack_rows(product->b, product->leading_b, p0, p1, j0, vectors, last, packed, panel_stride);
                panel = packed;
            }
            for (int i0 = first; i0 < end; i0 += ROWS) {
                int rows = end - i0 < ROWS ? end - i0 : ROWS;
                any_block(product, i0, rows, j0, p0, p1, panel, panel_stride, vectors, last);
            }
        }
    }
}

// How the work divides between threads: by rows when there are enough of them and b
// need not be transposed (both threads then read every panel of b); otherwise by
// columns, in multiples of 16, so that each thread transposes only its own panels.
static void product_part(void *context, int part, int parts) {
    const product_t *product = context;
    if (!product->transposed_b && product->m >= ROWS * parts) {
        int blocks = (product->m + ROWS - 1) / ROWS;
        int first = ROWS * (blocks * part / parts), end = ROWS * (blocks * (part + 1) / parts);
        if (end > product->m) end = product->m;
        product_region(product, first, end, 0, product->n);
    } else {
        int vectors = (product->n + VECTOR - 1) / VECTOR;
        int first = VECTOR * (vectors * part / parts), end = VECTOR * (vectors * (part + 1) / parts);
        if (end > product->n) end = product->n;
        if (first < end) product_region(product, 0, product->m, first, end);
    }
}

int vae_matrix_product_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 1 : 0;
    }
    return available;
}

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
    if (parts > 1 && (transpose_b || m < ROWS * parts) && n < VECTOR * parts) parts = 1;
    product_t product = {
        .m = m, .n = n, .k = k, .a = a,
        .row_stride_a = transpose_a ? 1 : k, .column_stride_a = transpose_a ? m : 1,
        .b = b, .leading_b = transpose_b ? k : n, .transposed_b = transpose_b,
        .c = c, .alpha = alpha, .beta = beta,
    };
    vae_parallel_for(parts, product_part, &product);
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
