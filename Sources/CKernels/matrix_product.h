// What the matrix-product kernels of every instruction set share (not part of the
// package's interface).
#ifndef VAE_MATRIX_PRODUCT_H
#define VAE_MATRIX_PRODUCT_H

#include <stddef.h>

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

// Slices of k of at most DEPTH rows keep a panel's slice in the first-level cache; rows of
// b are asked for PREFETCH_ROWS ahead while they are copied.
enum { DEPTH = 192, PREFETCH_ROWS = 8 };

#define AVX2 __attribute__((target("avx2,fma")))

// This thread's buffer for a packed slice of b, of at least `count` floats.
float *panel_buffer(size_t count);

// Rows p0..<p1 and columns j0..<j0 + width of op(b) for a b stored transposed, into
// destination rows `stride` apart.
AVX2 void pack_transposed(const float *b, long leading, int p0, int p1, int j0, int width, float *destination,
                          long stride);

void vae_matrix_product_avx512(product_t *product, int parts);
void vae_matrix_product_avx2(product_t *product, int parts);

#endif
