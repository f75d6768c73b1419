#include "kernels.h"

// As in every file of this target: no contraction into fused multiply-adds (see nadam_update.c).
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

int vae_flush_subnormals_to_zero(void) {
    // Bit 15 is flush-to-zero, bit 6 denormals-are-zero.
    _mm_setcsr(_mm_getcsr() | 0x8040);
    return 1;
}
#elif defined(__aarch64__)
int vae_flush_subnormals_to_zero(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr | (1UL << 24)));
    return 1;
}
#else
int vae_flush_subnormals_to_zero(void) { return 0; }
#endif
