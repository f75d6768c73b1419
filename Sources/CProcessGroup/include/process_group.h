#ifndef VAE_PROCESS_GROUP_H
#define VAE_PROCESS_GROUP_H

/// Open MPI, loaded when the program runs rather than linked: the package builds and runs
/// where Open MPI is not installed, and uses it when `mpirun` started the program.
/// Every call returns 0 or an MPI error code, with a message in `message` when it fails
/// to start; after a start that failed, nothing else may be called.

/// Loads Open MPI's library, starts MPI and says which of how many processes this is.
int vae_group_start(int *rank, int *size, char *message, int capacity);

/// Every process's `count` floats (doubles), in rank order, into `gathered`.
int vae_group_gather_floats(const float *values, int count, float *gathered);
int vae_group_gather_doubles(const double *values, int count, double *gathered);

/// Waits until every process has come here.
int vae_group_barrier(void);

/// Stops every process of the group with `code`; does not return.
void vae_group_abort(int code);

/// Ends MPI in this process, after the last collective call.
int vae_group_finish(void);

#endif
