// Which instruction set the kernels use, chosen once per process.
#include "kernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

int vae_cpu_hardware_level(void) {
#if defined(__x86_64__)
    // The compiler's runtime reads the processor's features once; these are lookups.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        return VAE_CPU_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return VAE_CPU_AVX2;
#endif
    return VAE_CPU_BASELINE;
}

int vae_cpu_level(void) {
    static _Atomic int level = -1;
    int known = atomic_load_explicit(&level, memory_order_relaxed);
    if (known < 0) {
        known = vae_cpu_hardware_level();
        const char *requested = getenv("VAE_CPU");
        if (requested) {
            int asked = strcmp(requested, "baseline") == 0 ? VAE_CPU_BASELINE
                        : strcmp(requested, "avx2") == 0   ? VAE_CPU_AVX2
                        : strcmp(requested, "avx512") == 0 ? VAE_CPU_AVX512
                                                           : known;
            // A level the processor lacks would crash at its first instruction.
            if (asked < known) known = asked;
        }
        atomic_store_explicit(&level, known, memory_order_relaxed);
    }
    return known;
}
