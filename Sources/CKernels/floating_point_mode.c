// The calling thread's floating-point control: read it, set it, and the same control with
// subnormal numbers treated as zero.
//
// Subnormal floats appear as gradients shrink during training and cost about a hundred
// cycles each on x86; TensorFlow treats them as zero on the CPU, and so does training
// here. The mode belongs to a thread and to the code that set it, so it is set around
// the work that needs it and restored after (`FloatingPointEnvironment` in NumericCore),
// and the pool's threads take their caller's for each part they run (parallel_for.c).
#include "kernels.h"

// As in every file of this target: no contraction into fused multiply-adds (see nadam_update.c).
#pragma clang fp contract(off)

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

// MXCSR. Bits 0–5 are the exception flags: they record what happened rather than say how
// to compute, so they are neither read nor set here. Bit 6 is denormals-are-zero (inputs),
// bit 15 flush-to-zero (results).
static const unsigned int EXCEPTION_FLAGS = 0x3fu;
static const unsigned int DENORMALS_ARE_ZERO = 1u << 6;
static const unsigned int FLUSH_TO_ZERO = 1u << 15;

unsigned long vae_floating_point_control(void) { return _mm_getcsr() & ~EXCEPTION_FLAGS; }

void vae_set_floating_point_control(unsigned long control) {
    unsigned int current = _mm_getcsr();
    unsigned int wanted = (current & EXCEPTION_FLAGS) | ((unsigned int)control & ~EXCEPTION_FLAGS);
    if (wanted != current) _mm_setcsr(wanted);  // writing MXCSR costs more than reading it
}

unsigned long vae_subnormals_flushed(unsigned long control) {
    return control | DENORMALS_ARE_ZERO | FLUSH_TO_ZERO;
}

#elif defined(__aarch64__)
// FPCR holds control only (the exception flags are in FPSR). Bit 24, FZ, flushes subnormal
// inputs and results of single and double precision to zero.
static const unsigned long FLUSH_TO_ZERO = 1ul << 24;

unsigned long vae_floating_point_control(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
}

void vae_set_floating_point_control(unsigned long control) {
    if (control != vae_floating_point_control()) __asm__ volatile("msr fpcr, %0" : : "r"(control));
}

unsigned long vae_subnormals_flushed(unsigned long control) { return control | FLUSH_TO_ZERO; }

#else
unsigned long vae_floating_point_control(void) { return 0; }

void vae_set_floating_point_control(unsigned long control) { (void)control; }

unsigned long vae_subnormals_flushed(unsigned long control) { return control; }
#endif
