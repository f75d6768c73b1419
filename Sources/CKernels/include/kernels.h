#ifndef VAE_KERNELS_H
#define VAE_KERNELS_H

/// The instruction sets the kernels are compiled for, from the least to the most.
enum { VAE_CPU_BASELINE = 0, VAE_CPU_AVX2 = 1, VAE_CPU_AVX512 = 2 };

/// The best of them this processor runs: AVX-512 (F, VL, BW), AVX2 with FMA, or the baseline.
int vae_cpu_hardware_level(void);

/// The instruction set every kernel of this process uses: the processor's best, or a lower
/// one named by the environment variable VAE_CPU (`avx512`, `avx2` or `baseline`; a level
/// the processor lacks is not taken). Decided at the first call.
int vae_cpu_level(void);

/// Whether the package's own matrix product below runs here (AVX-512, or AVX2 with FMA).
int vae_matrix_product_available(void);

/// `c[m×n] = alpha · op(a) · op(b) + beta · c`, all row-major and densely packed, where
/// `op(a)` is m×k and `op(b)` is k×n. With `beta == 0`, `c` is not read (NaNs in it are
/// not carried). The work is split between the cores when it is large enough.
/// Call only when `vae_matrix_product_available()` returned 1.
void vae_matrix_product(int m, int n, int k,
                        const float *a, int transpose_a,
                        const float *b, int transpose_b,
                        float *c, float alpha, float beta);

/// Starts (1) or stops (0) counting the time and multiply-adds of `vae_matrix_product`
/// calls, for benchmarks that split a step's time into products and the rest. Off by default.
void vae_matrix_product_count(int on);

/// The wall-clock seconds (summed over threads) and multiply-adds counted so far.
void vae_matrix_product_totals(double *seconds, double *multiply_adds);

/// Runs `work(context, part, parts)` for every part in 0..<parts and returns when all are
/// done: at once on the pool's threads (the caller runs part 0) when `parts` is at most
/// `vae_parallel_width()` and the pool is free; otherwise (a call from a second thread
/// while the pool works, or more parts than threads) one after the other on the calling
/// thread.
void vae_parallel_for(int parts, void (*work)(void *context, int part, int parts), void *context);

/// The number of threads `vae_parallel_for` can use: the processors this process may
/// run on, at most 8.
int vae_parallel_width(void);

/// 1 on a thread that is running a part of a `vae_parallel_for`, on the pool or one
/// after the other on the caller's thread (a nested split would run its parts one after
/// the other), `vae_parallel_width()` elsewhere.
int vae_parallel_width_here(void);

/// This thread's floating-point control: MXCSR without its exception flags on x86-64,
/// FPCR on arm64, 0 elsewhere. Part of the task `vae_parallel_for` hands its threads.
unsigned long vae_floating_point_control(void);

/// Sets this thread's floating-point control (as `vae_floating_point_control` reads it),
/// leaving the exception flags as they are.
void vae_set_floating_point_control(unsigned long control);

/// `control` with subnormal floats treated as zero, as TensorFlow does on the CPU:
/// denormals-are-zero and flush-to-zero on x86-64, FZ on arm64; `control` itself on
/// processors without such a mode.
unsigned long vae_subnormals_flushed(unsigned long control);

/// floats[i] = bytes[i] / 255 (single precision, correctly rounded) for i in 0..<count.
void vae_scale_pixels(const unsigned char *bytes, float *floats, long count);

/// The optimizers' kernels read a batch's gradient computed as `shards` ≥ 1 parts (one
/// per core, say), each a mean over its part's images: `gradients[k]` is shard k's
/// gradient of one parameter and `shares[k]` that shard's images ÷ the batch's. The
/// batch's gradient is
///   g[i] = gradients[0][i]                                                 with one shard,
///   g[i] = (shares[0] · gradients[0][i] + shares[1] · gradients[1][i]) + …  with more,
/// each product rounded to float and the sums taken in shard order, as separate passes
/// would round them. Each call works on the elements [start, end) of every array it is
/// given, so that the cores can take a slice each. Vectorised for the processor it runs
/// on; every width gives the same bits.

/// combined[i] = g[i] for i in [start, end). `combined` may be one of the shards.
void vae_combine_shards(float *combined, const float *const *gradients, const float *shares, int shards,
                        long start, long end);

/// The scalars of one Adam step, computed once per step: 1 − β₁, 1 − β₂, the learning
/// rate with both bias corrections folded in (Keras's form), ε.
typedef struct {
    float one_minus_beta1, one_minus_beta2, rate, epsilon;
} vae_adam_step_t;

/// One Adam step, elementwise, in the order of operations Keras uses:
///   m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂);  w −= m · rate / (√v + ε)
void vae_adam_update(float *weights, const float *const *gradients, const float *shares, int shards,
                     float *first_moments, float *second_moments, long start, long end, vae_adam_step_t step);

/// The scalars of one Nadam step, computed once per step (see `Nadam.swift`).
typedef struct {
    float one_minus_beta1, one_minus_beta2, momentum_weight, gradient_weight, second_correction, rate, epsilon;
} vae_nadam_step_t;

/// One Nadam step, elementwise, in the order of operations Keras uses:
///   m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂)
///   w −= rate · (momentum_weight · m + gradient_weight · g) / (√(v / second_correction) + ε)
void vae_nadam_update(float *weights, const float *const *gradients, const float *shares, int shards,
                      float *first_moments, float *second_moments, long start, long end, vae_nadam_step_t step);

#endif
