// The Nadam update, vectorised by the compiler for the widest registers the processor has.
//
// Swift spells SIMD square roots lane by lane on baseline x86-64, which made the update
// the slowest part of a step after the products. The same loop body is compiled twice,
// for AVX-512 and for the baseline; with contraction off, both give the same bits.
//
// The gradient may come in two halves, g = share · g + other_share · other (two cores'
// halves of a batch): combined here, it is read once from memory instead of being written
// out by one pass and read back by the next.
#include "kernels.h"

#include <stddef.h>

// No contraction into fused multiply-adds: each product and sum is rounded on its own, so
// every vector width, and the scalar formula, give the same bits.
#pragma clang fp contract(off)

static inline __attribute__((always_inline)) void update(
    float *restrict w, const float *restrict g, const float *restrict other, float share, float other_share,
    float *restrict m, float *restrict v, long count,
    float one_minus_beta1, float one_minus_beta2, float momentum_weight, float gradient_weight,
    float second_correction, float rate, float epsilon) {
    for (long i = 0; i < count; i++) {
        float gradient = other ? share * g[i] + other_share * other[i] : g[i];
        float mi = m[i] + (gradient - m[i]) * one_minus_beta1;
        float vi = v[i] + (gradient * gradient - v[i]) * one_minus_beta2;
        float m_hat = momentum_weight * mi + gradient_weight * gradient;
        float v_hat = vi / second_correction;
        m[i] = mi;
        v[i] = vi;
        // The IEEE square root with no errno to set (unlike sqrtf), so the loop vectorises.
        w[i] = w[i] - m_hat * rate / (__builtin_elementwise_sqrt(v_hat) + epsilon);
    }
}

#if defined(__x86_64__)
// One loop for a whole gradient, one for halves: the test of `other` leaves the loops.
__attribute__((target("avx512f"))) static void update_avx512(
    float *restrict w, const float *restrict g, const float *restrict other, float share, float other_share,
    float *restrict m, float *restrict v, long count, float b1, float b2, float mw, float gw, float sc, float rate,
    float epsilon) {
    if (other)
        update(w, g, other, share, other_share, m, v, count, b1, b2, mw, gw, sc, rate, epsilon);
    else
        update(w, g, NULL, 1, 0, m, v, count, b1, b2, mw, gw, sc, rate, epsilon);
}
#endif

static void update_baseline(float *restrict w, const float *restrict g, const float *restrict other, float share,
                            float other_share, float *restrict m, float *restrict v, long count, float b1,
                            float b2, float mw, float gw, float sc, float rate, float epsilon) {
    if (other)
        update(w, g, other, share, other_share, m, v, count, b1, b2, mw, gw, sc, rate, epsilon);
    else
        update(w, g, NULL, 1, 0, m, v, count, b1, b2, mw, gw, sc, rate, epsilon);
}

void vae_nadam_update_halves(float *weights, const float *gradients, const float *other_gradients, float share,
                             float other_share, float *first_moments, float *second_moments, long count,
                             float one_minus_beta1, float one_minus_beta2, float momentum_weight,
                             float gradient_weight, float second_correction, float rate, float epsilon) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) {
        update_avx512(weights, gradients, other_gradients, share, other_share, first_moments, second_moments, count,
                      one_minus_beta1, one_minus_beta2, momentum_weight, gradient_weight, second_correction, rate,
                      epsilon);
        return;
    }
#endif
    update_baseline(weights, gradients, other_gradients, share, other_share, first_moments, second_moments, count,
                    one_minus_beta1, one_minus_beta2, momentum_weight, gradient_weight, second_correction, rate,
                    epsilon);
}

void vae_nadam_update(float *weights, const float *gradients, float *first_moments, float *second_moments,
                      long count, float one_minus_beta1, float one_minus_beta2, float momentum_weight,
                      float gradient_weight, float second_correction, float rate, float epsilon) {
    vae_nadam_update_halves(weights, gradients, NULL, 1, 0, first_moments, second_moments, count, one_minus_beta1,
                            one_minus_beta2, momentum_weight, gradient_weight, second_correction, rate, epsilon);
}
