// A batch's gradient read from the shards it was computed in, for the elementwise
// kernels of this target (private to it).
//
// Each kernel is compiled once per vector width from one always-inlined body, which
// sees the batch's gradient as one array. With one shard that is the shard itself, read
// as it is. With more, the kernel combines the gradient a block at a time into a buffer
// on the stack, which stays in the first-level cache: the combined gradient is never
// written out to memory and read back, and the roundings are those of a separate pass.
#ifndef VAE_GRADIENT_SHARDS_H
#define VAE_GRADIENT_SHARDS_H

#pragma clang fp contract(off)

// Elements combined at a time: 2 KiB of floats, far below the first-level cache.
enum { SHARD_BLOCK = 512 };

// combined[j] = ((shares[0]·g₀[j] + shares[1]·g₁[j]) + …) for j in 0..<count, where gₖ
// is gradients[k] + offset: each product rounded to float, the sums taken in shard order.
static inline __attribute__((always_inline)) void combine_block(float *restrict combined,
                                                                const float *const *gradients,
                                                                const float *shares, int shards, long offset,
                                                                long count) {
    const float *first = gradients[0] + offset;
    float share = shares[0];
    for (long j = 0; j < count; j++) combined[j] = share * first[j];
    for (int k = 1; k < shards; k++) {
        const float *restrict shard = gradients[k] + offset;
        float shard_share = shares[k];
        for (long j = 0; j < count; j++) combined[j] = combined[j] + shard_share * shard[j];
    }
}

// The elements of the block that starts at `offset`, for loops over [offset, end).
static inline long block_count(long offset, long end) {
    return end - offset < SHARD_BLOCK ? end - offset : SHARD_BLOCK;
}

#endif
