// The Nadam update, vectorised by the compiler for the widest registers the processor has.
//
// Swift spells SIMD square roots lane by lane on baseline x86-64, which made the update
// the slowest part of a step after the products. The same loop body is compiled for
// AVX-512, AVX2 and the baseline; with contraction off, all give the same bits. The
// gradient is read from its shards (see gradient_shards.h).
#include "kernels.h"

#include "gradient_shards.h"

// No contraction into fused multiply-adds: each product and sum is rounded on its own, so
// every vector width, and the scalar formula, give the same bits.
#pragma clang fp contract(off)

static inline __attribute__((always_inline)) void update(float *restrict w, const float *restrict g,
                                                         float *restrict m, float *restrict v, long count,
                                                         vae_nadam_step_t s) {
    for (long i = 0; i < count; i++) {
        float gradient = g[i];
        float mi = m[i] + (gradient - m[i]) * s.one_minus_beta1;
        float vi = v[i] + (gradient * gradient - v[i]) * s.one_minus_beta2;
        float m_hat = s.momentum_weight * mi + s.gradient_weight * gradient;
        float v_hat = vi / s.second_correction;
        m[i] = mi;
        v[i] = vi;
        // The IEEE square root with no errno to set (unlike sqrtf), so the loop vectorises.
        w[i] = w[i] - m_hat * s.rate / (__builtin_elementwise_sqrt(v_hat) + s.epsilon);
    }
}

#define STEP_T vae_nadam_step_t
#define ENTRY vae_nadam_update
#include "optimizer_update.h"
