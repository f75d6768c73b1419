// A batch's gradient combined from its shards into one array, for the optimizers that
// have no pass of their own to read the shards in, and for callers that want the
// gradient itself. The same roundings as the optimizers' own passes (gradient_shards.h).
#include "kernels.h"

#include <string.h>

#include "gradient_shards.h"

// No contraction into fused multiply-adds: each product and sum is rounded on its own, so
// every vector width, and the scalar formula, give the same bits.
#pragma clang fp contract(off)

// Through a buffer on the stack, so that `combined` may be any of the shards.
static inline __attribute__((always_inline)) void combine(float *combined, const float *const *gradients,
                                                          const float *shares, int shards, long start, long end) {
    if (shards == 1) {
        if (combined != gradients[0])
            memmove(combined + start, gradients[0] + start, (size_t)(end - start) * sizeof(float));
        return;
    }
    float block[SHARD_BLOCK];
    for (long offset = start; offset < end; offset += SHARD_BLOCK) {
        long count = block_count(offset, end);
        combine_block(block, gradients, shares, shards, offset, count);
        memcpy(combined + offset, block, (size_t)count * sizeof(float));
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void combine_avx512(float *combined, const float *const *gradients,
                                                               const float *shares, int shards, long start,
                                                               long end) {
    combine(combined, gradients, shares, shards, start, end);
}

__attribute__((target("avx2"))) static void combine_avx2(float *combined, const float *const *gradients,
                                                          const float *shares, int shards, long start, long end) {
    combine(combined, gradients, shares, shards, start, end);
}
#endif

static void combine_baseline(float *combined, const float *const *gradients, const float *shares, int shards,
                             long start, long end) {
    combine(combined, gradients, shares, shards, start, end);
}

void vae_combine_shards(float *combined, const float *const *gradients, const float *shares, int shards,
                        long start, long end) {
    if (end <= start) return;
    switch (vae_cpu_level()) {
#if defined(__x86_64__)
    case VAE_CPU_AVX512:
        combine_avx512(combined, gradients, shares, shards, start, end);
        return;
    case VAE_CPU_AVX2:
        combine_avx2(combined, gradients, shares, shards, start, end);
        return;
#endif
    default:
        combine_baseline(combined, gradients, shares, shards, start, end);
    }
}
