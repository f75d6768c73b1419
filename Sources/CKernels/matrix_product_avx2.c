// The matrix-product kernel for AVX2 with FMA: blocks of 6 rows × 16 columns in 12 of the
// 16 registers, the others holding the row of b and the broadcast element of a.
#include "kernels.h"
#include "matrix_product.h"

#pragma clang fp contract(off)

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET AVX2
#define NAME(x) x##_avx2
enum { VECTOR = 8, ROWS = 6, MAXIMUM_VECTORS = 2 };
typedef __m256 vector_t;
typedef __m256i mask_t;
#define ZERO() _mm256_setzero_ps()
#define SET1(x) _mm256_set1_ps(x)
#define LOADU(p) _mm256_loadu_ps(p)
#define STOREU(p, v) _mm256_storeu_ps(p, v)
#define FMADD(a, b, c) _mm256_fmadd_ps(a, b, c)
#define MUL(a, b) _mm256_mul_ps(a, b)
// Lane i is on when i < lanes.
#define TAIL_MASK(lanes) _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define LOAD_MASKED(mask, p) _mm256_maskload_ps(p, mask)
#define STORE_MASKED(p, mask, v) _mm256_maskstore_ps(p, mask, v)

#include "matrix_product_kernel.h"

#endif
