#include "process_group.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

// Open MPI's handles are addresses of objects the library exports (`MPI_COMM_WORLD` is
// `&ompi_mpi_comm_world`), and its functions take them as pointers: both are read with
// dlsym, so no header of Open MPI is needed to build.
typedef void *handle;

static int (*init)(int *, char ***);
static int (*comm_rank)(handle, int *);
static int (*comm_size)(handle, int *);
static int (*allgather)(const void *, int, handle, void *, int, handle, handle);
static int (*barrier)(handle);
static int (*abort_all)(handle, int);
static int (*finalize)(void);
static handle world, float_type, double_type;

int vae_group_start(int *rank, int *size, char *message, int capacity) {
    // Global, so that the components Open MPI loads itself find the library's symbols.
    void *library = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (!library) library = dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
        snprintf(message, (size_t)capacity, "Open MPI's library (libmpi.so.40) cannot be loaded: %s", dlerror());
        return -1;
    }
#define FIND(variable, name)                                                                  \
    *(void **)&variable = dlsym(library, name);                                               \
    if (!variable) {                                                                          \
        snprintf(message, (size_t)capacity, "libmpi has no %s: not Open MPI's library", name); \
        return -1;                                                                            \
    }
    FIND(init, "MPI_Init")
    FIND(comm_rank, "MPI_Comm_rank")
    FIND(comm_size, "MPI_Comm_size")
    FIND(allgather, "MPI_Allgather")
    FIND(barrier, "MPI_Barrier")
    FIND(abort_all, "MPI_Abort")
    FIND(finalize, "MPI_Finalize")
    FIND(world, "ompi_mpi_comm_world")
    FIND(float_type, "ompi_mpi_float")
    FIND(double_type, "ompi_mpi_double")
#undef FIND
    int status = init(NULL, NULL);
    if (status == 0) status = comm_rank(world, rank);
    if (status == 0) status = comm_size(world, size);
    if (status != 0) snprintf(message, (size_t)capacity, "MPI could not start (error %d)", status);
    return status;
}

int vae_group_gather_floats(const float *values, int count, float *gathered) {
    return allgather(values, count, float_type, gathered, count, float_type, world);
}

int vae_group_gather_doubles(const double *values, int count, double *gathered) {
    return allgather(values, count, double_type, gathered, count, double_type, world);
}

int vae_group_barrier(void) { return barrier(world); }

void vae_group_abort(int code) {
    abort_all(world, code);
    exit(code);
}

int vae_group_finish(void) { return finalize(); }
