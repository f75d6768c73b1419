// A small pool of threads that stay awake between the products of a training step.
//
// A step makes some twenty products of a few hundred microseconds each; waking a
// sleeping thread for each would cost as much as the work. The workers therefore spin
// for a couple of milliseconds after each task before they sleep on a condition
// variable, and the caller runs one part itself.
#define _GNU_SOURCE
#include "kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

// As in every file of this target: no contraction into fused multiply-adds (see nadam_update.c).
#pragma clang fp contract(off)
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

enum { MAXIMUM_WIDTH = 8 };
static const double SPIN_SECONDS = 0.002;

typedef struct {
    void (*work)(void *context, int part, int parts);
    void *context;
    int parts;
    unsigned long control;  // the caller's floating-point mode (flush-to-zero is per thread)
} task_t;

static pthread_once_t started = PTHREAD_ONCE_INIT;
static _Thread_local int inside_part = 0;  // this thread is running a part of a task
static int width = 1;
static task_t task;
static _Atomic unsigned long generation = 0;
static _Atomic int finished = 0;
static _Atomic int busy = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int sleepers = 0;  // guarded by lock

static void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static double seconds_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

static unsigned long wait_for_task(unsigned long seen) {
    double give_up = seconds_now() + SPIN_SECONDS;
    for (int spins = 1;; spins++) {
        unsigned long current = atomic_load_explicit(&generation, memory_order_acquire);
        if (current != seen) return current;
        relax();
        if ((spins & 255) == 0 && seconds_now() > give_up) break;
    }
    pthread_mutex_lock(&lock);
    sleepers++;
    while (atomic_load_explicit(&generation, memory_order_acquire) == seen) pthread_cond_wait(&wake, &lock);
    sleepers--;
    pthread_mutex_unlock(&lock);
    return atomic_load_explicit(&generation, memory_order_acquire);
}

static void *worker(void *argument) {
    int index = (int)(long)argument;
    unsigned long seen = 0;
    for (;;) {
        seen = wait_for_task(seen);
        task_t current = task;
        if (index < current.parts) {
            // The part computes as its caller would; the thread then goes back to its own mode.
            unsigned long own = vae_floating_point_control();
            vae_set_floating_point_control(current.control);
            inside_part = 1;
            current.work(current.context, index, current.parts);
            inside_part = 0;
            vae_set_floating_point_control(own);
        }
        atomic_fetch_add_explicit(&finished, 1, memory_order_acq_rel);
    }
    return NULL;
}

static void start(void) {
    int available = 1;
#if defined(__linux__)
    // The processors this process may run on, which a container or taskset may limit.
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) available = CPU_COUNT(&set);
#else
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online > 0) available = (int)online;
#endif
    const char *requested = getenv("VAE_NUM_THREADS");
    if (requested && atoi(requested) > 0) available = atoi(requested);
    width = available < 1 ? 1 : (available > MAXIMUM_WIDTH ? MAXIMUM_WIDTH : available);
    for (int index = 1; index < width; index++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, worker, (void *)(long)index) != 0) width = index;
        pthread_attr_destroy(&attributes);
        if (width == index) break;
    }
}

int vae_parallel_width(void) {
    pthread_once(&started, start);
    return width;
}

int vae_parallel_width_here(void) { return inside_part ? 1 : vae_parallel_width(); }

void vae_parallel_for(int parts, void (*work)(void *context, int part, int parts), void *context) {
    int expected = 0;
    if (parts <= 1 || vae_parallel_width() < parts ||
        !atomic_compare_exchange_strong(&busy, &expected, 1)) {
        // One after the other on this thread, which counts as inside a part meanwhile.
        int was_inside = inside_part;
        inside_part = 1;
        for (int part = 0; part < parts; part++) work(context, part, parts);
        inside_part = was_inside;
        return;
    }
    task = (task_t){.work = work, .context = context, .parts = parts, .control = vae_floating_point_control()};
    atomic_store_explicit(&finished, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&generation, 1, memory_order_release);
    pthread_mutex_lock(&lock);
    if (sleepers > 0) pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);

    inside_part = 1;
    work(context, 0, parts);
    inside_part = 0;
    for (int spins = 1; atomic_load_explicit(&finished, memory_order_acquire) < width - 1; spins++) {
        relax();
        if ((spins & 4095) == 0) sched_yield();
    }
    atomic_store_explicit(&busy, 0, memory_order_release);
}
