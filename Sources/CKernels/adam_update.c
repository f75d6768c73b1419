// The Adam update, vectorised by the compiler for the widest registers the processor has.
//
// The same as Nadam's (nadam_update.c) without the momentum's look-ahead: a Swift loop
// computes its square roots one lane at a time on baseline x86-64. The loop body is
// compiled for AVX-512, AVX2 and the baseline; with contraction off, all give the bits of
// the scalar formula. The gradient is read from its shards (see gradient_shards.h).
#include "kernels.h"

#include "gradient_shards.h"

// No contraction into fused multiply-adds: each product and sum is rounded on its own, so
// every vector width, and the scalar formula, give the same bits.
#pragma clang fp contract(off)

static inline __attribute__((always_inline)) void update(float *restrict w, const float *restrict g,
                                                         float *restrict m, float *restrict v, long count,
                                                         vae_adam_step_t s) {
    for (long i = 0; i < count; i++) {
        float gradient = g[i];
        float mi = m[i] + (gradient - m[i]) * s.one_minus_beta1;
        float vi = v[i] + (gradient * gradient - v[i]) * s.one_minus_beta2;
        m[i] = mi;
        v[i] = vi;
        // The IEEE square root with no errno to set (unlike sqrtf), so the loop vectorises.
        w[i] = w[i] - mi * s.rate / (__builtin_elementwise_sqrt(vi) + s.epsilon);
    }
}

#define STEP_T vae_adam_step_t
#define ENTRY vae_adam_update
#include "optimizer_update.h"
