/*
 * internal.h — cross-file internals of the shim, grouped by the file that
 * defines them. Internal names start with an underscore.
 */
#ifndef RSEQAGENT_INTERNAL_H
#define RSEQAGENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "../include/rseqagent.h"

#define RSEQAGENT_EXPORT __attribute__((visibility("default")))
#define rseqagent_unlikely(x) __builtin_expect(!!(x), 0)

/* "rseq_foreign.c" — libraries that export __rseq_abi */

/* What a confirmed foreign owner of the calling thread looks like. */
struct _rseqagent_foreign_hit {
    void *handle;            /* dlopen(RTLD_NOLOAD) handle: keeps the owner loaded */
    void *area;              /* this thread's __rseq_abi */
    uint32_t *refcount;      /* this thread's __rseq_refcount, NULL if not offered */
    int sig;                 /* enum rseqagent_sig */
};

/*
 * Find the loaded library whose __rseq_abi is the calling thread's
 * registered area. Returns 1 and fills hit (caller dlcloses hit->handle)
 * or 0 when none is. pre: something is registered on this thread.
 */
int _rseqagent_foreign_find(struct _rseqagent_foreign_hit *hit);
void _rseqagent_foreign_atfork_prepare(void);
void _rseqagent_foreign_atfork_parent(void);
void _rseqagent_foreign_atfork_child(void);

/* "events.c" — reports the shim makes on its own, drained by the agent */

/* Queue one report; counts it as dropped when the queue is full. */
void _rseqagent_event_push(const int64_t *report);
int64_t _rseqagent_events_dropped(void);
void _rseqagent_events_atfork_prepare(void);
void _rseqagent_events_atfork_parent(void);
void _rseqagent_events_atfork_child(void);

/* "jvm_hook.c" — JNI entry (JvmHook's native is registered, not exported) */

#ifdef _JAVASOFT_JNI_H_
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved);
#endif

#endif
