/* rseq_owner.h — C API of the example rseq-owning library. */
#ifndef RSEQ_OWNER_H
#define RSEQ_OWNER_H
#include <stdint.h>

/* Take a use of the calling thread's registration; registers on 0 -> 1. 0 or -errno. */
int rseq_owner_register_current_thread(void);
/* Give a use back; unregisters on 1 -> 0. 0 or -errno. */
int rseq_owner_unregister_current_thread(void);
/* The calling thread's __rseq_refcount (or private count). */
uint32_t rseq_owner_refcount(void);
/* The kernel-written cpu_id of the calling thread's area (-1: not registered). */
int32_t rseq_owner_cpu_id(void);

#endif
