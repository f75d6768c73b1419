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

/// Treats subnormal floats as zero in this thread's arithmetic (flush-to-zero and
/// denormals-are-zero), as TensorFlow does on the CPU. Subnormals appear as gradients
/// shrink during training and cost a hundred cycles each on x86. Returns 1 when set.
int vae_flush_subnormals_to_zero(void);

/// floats[i] = bytes[i] / 255 (single precision, correctly rounded) for i in 0..<count.
void vae_scale_pixels(const unsigned char *bytes, float *floats, long count);

/// One Nadam step over `count` weights, elementwise, in the order of operations Keras uses:
///   m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂)
///   w −= rate · (momentum_weight · m + gradient_weight · g) / (√(v / second_correction) + ε)
/// Vectorised for the processor it runs on; every width gives the same bits.
void vae_nadam_update(float *weights, const float *gradients, float *first_moments, float *second_moments,
                      long count, float one_minus_beta1, float one_minus_beta2, float momentum_weight,
                      float gradient_weight, float second_correction, float rate, float epsilon);

/// The same step for a gradient computed in two halves (two cores' parts of a batch):
/// g = share · gradients + other_share · other_gradients, each product rounded to float
/// and then added, as a separate pass combining them would. `other_gradients` may be NULL
/// (then `gradients` is g).
void vae_nadam_update_halves(float *weights, const float *gradients, const float *other_gradients, float share,
                             float other_share, float *first_moments, float *second_moments, long count,
                             float one_minus_beta1, float one_minus_beta2, float momentum_weight,
                             float gradient_weight, float second_correction, float rate, float epsilon);

#endif
