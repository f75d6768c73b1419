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

static inline __attribute__((always_inline)) void update_sharded(float *w, const float *const *gradients,
                                                                 const float *shares, int shards, float *m,
                                                                 float *v, long start, long end,
                                                                 vae_nadam_step_t s) {
    if (shards == 1) {
        update(w + start, gradients[0] + start, m + start, v + start, end - start, s);
        return;
    }
    float block[SHARD_BLOCK];
    for (long offset = start; offset < end; offset += SHARD_BLOCK) {
        long count = block_count(offset, end);
        combine_block(block, gradients, shares, shards, offset, count);
        update(w + offset, block, m + offset, v + offset, count, s);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void update_avx512(float *w, const float *const *gradients,
                                                              const float *shares, int shards, float *m, float *v,
                                                              long start, long end, vae_nadam_step_t s) {
    update_sharded(w, gradients, shares, shards, m, v, start, end, s);
}

__attribute__((target("avx2"))) static void update_avx2(float *w, const float *const *gradients,
                                                         const float *shares, int shards, float *m, float *v,
                                                         long start, long end, vae_nadam_step_t s) {
    update_sharded(w, gradients, shares, shards, m, v, start, end, s);
}
#endif

static void update_baseline(float *w, const float *const *gradients, const float *shares, int shards, float *m,
                            float *v, long start, long end, vae_nadam_step_t s) {
    update_sharded(w, gradients, shares, shards, m, v, start, end, s);
}

void vae_nadam_update(float *weights, const float *const *gradients, const float *shares, int shards,
                      float *first_moments, float *second_moments, long start, long end, vae_nadam_step_t step) {
    switch (widest_vector_path()) {
#if defined(__x86_64__)
    case PATH_AVX512:
        update_avx512(weights, gradients, shares, shards, first_moments, second_moments, start, end, step);
        return;
    case PATH_AVX2:
        update_avx2(weights, gradients, shares, shards, first_moments, second_moments, start, end, step);
        return;
#endif
    default:
        update_baseline(weights, gradients, shares, shards, first_moments, second_moments, start, end, step);
    }
}
