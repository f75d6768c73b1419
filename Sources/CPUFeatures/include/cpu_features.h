#ifndef VAE_CPU_FEATURES_H
#define VAE_CPU_FEATURES_H

/// Treats subnormal floats as zero in this thread's arithmetic (flush-to-zero and
/// denormals-are-zero), as TensorFlow does on the CPU. Subnormals appear as gradients
/// shrink during training and cost a hundred cycles each on x86. Returns 1 when set.
int vae_flush_subnormals_to_zero(void);

#endif
