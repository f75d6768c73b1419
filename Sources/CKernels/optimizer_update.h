// The scaffold of an optimizer's update, written once: a file that includes this defines
//   STEP_T   its step's constants (a struct passed by value)
//   ENTRY    the name of the function to define, as declared in kernels.h
//   update(w, g, m, v, count, s)   the elementwise update of `count` weights, inlined
// and gets the entry point that reads the gradient from its shards (combined a block at a
// time on the stack, or read in place for one shard) and runs the update compiled for the
// process's instruction set (AVX-512, AVX2 or the baseline; every width gives the same bits).

static inline __attribute__((always_inline)) void update_sharded(float *w, const float *const *gradients,
                                                                 const float *shares, int shards, float *m,
                                                                 float *v, long start, long end,
                                                                 STEP_T s) {
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
                                                              long start, long end, STEP_T s) {
    update_sharded(w, gradients, shares, shards, m, v, start, end, s);
}

__attribute__((target("avx2"))) static void update_avx2(float *w, const float *const *gradients,
                                                         const float *shares, int shards, float *m, float *v,
                                                         long start, long end, STEP_T s) {
    update_sharded(w, gradients, shares, shards, m, v, start, end, s);
}
#endif

static void update_baseline(float *w, const float *const *gradients, const float *shares, int shards, float *m,
                            float *v, long start, long end, STEP_T s) {
    update_sharded(w, gradients, shares, shards, m, v, start, end, s);
}

void ENTRY(float *weights, const float *const *gradients, const float *shares, int shards,
                     float *first_moments, float *second_moments, long start, long end, STEP_T step) {
    switch (vae_cpu_level()) {
#if defined(__x86_64__)
    case VAE_CPU_AVX512:
        update_avx512(weights, gradients, shares, shards, first_moments, second_moments, start, end, step);
        return;
    case VAE_CPU_AVX2:
        update_avx2(weights, gradients, shares, shards, first_moments, second_moments, start, end, step);
        return;
#endif
    default:
        update_baseline(weights, gradients, shares, shards, first_moments, second_moments, start, end, step);
    }
}
