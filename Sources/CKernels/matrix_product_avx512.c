// The matrix-product kernel for AVX-512: blocks of 8 rows × 48 columns in 24 registers.
#include "kernels.h"
#include "matrix_product.h"

#pragma clang fp contract(off)

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define NAME(x) x##_avx512
enum { VECTOR = 16, ROWS = 8, MAXIMUM_VECTORS = 3 };
typedef __m512 vector_t;
typedef __mmask16 mask_t;
#define ZERO() _mm512_setzero_ps()
#define SET1(x) _mm512_set1_ps(x)
#define LOADU(p) _mm512_loadu_ps(p)
#define STOREU(p, v) _mm512_storeu_ps(p, v)
#define FMADD(a, b, c) _mm512_fmadd_ps(a, b, c)
#define MUL(a, b) _mm512_mul_ps(a, b)
#define TAIL_MASK(lanes) ((__mmask16)((lanes) == VECTOR ? 0xFFFF : (1u << (lanes)) - 1))
#define LOAD_MASKED(mask, p) _mm512_maskz_loadu_ps(mask, p)
#define STORE_MASKED(p, mask, v) _mm512_mask_storeu_ps(p, mask, v)

#include "matrix_product_kernel.h"

#endif
