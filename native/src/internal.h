/*
 * internal.h — cross-file internals of the shim, grouped by the file that
 * defines them. Internal names start with an underscore.
 */
#ifndef RSEQAGENT_INTERNAL_H
#define RSEQAGENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "../include/rseqagent.h"
/* Declarations here name the shim's own symbols: hidden, so the fast paths
 * reach its data PC-relative instead of through the GOT (exports say so). */
#pragma GCC visibility push(hidden)

#define RSEQAGENT_EXPORT __attribute__((visibility("default")))
#define rseqagent_unlikely(x) __builtin_expect(!!(x), 0)
#define rseqagent_likely(x) __builtin_expect(!!(x), 1)

/* "rseq_reg.c" — what the allocator needs from ownership */

/*
 * The calling thread's rseq area when the allocator may run critical
 * sections on it (rseq mode, refcount held for a FOREIGN owner); NULL: not
 * decided yet; RSEQAGENT_CS_AREA_FALLBACK: never (fallback mode, exiting).
 * One initial-exec pointer: the fast path reads it without __tls_get_addr.
 */
#define RSEQAGENT_CS_AREA_FALLBACK 1u
extern __thread void *_rseqagent_tls_cs_area __attribute__((tls_model("initial-exec")));
/* Decide the calling thread's mode (probe + acquire) and set _rseqagent_tls_cs_area.
 * pre: the per-CPU slabs are set up (the fast path reads them once the area is set). */
void *_rseqagent_cs_area_decide(void);
/* The calling thread left the JVM: give back what the agent holds there, report it (RSEQAGENT_EVENT_LEFT_JVM). */
void _rseqagent_thread_leaves_jvm(void);
/* offsetof(struct rseq, cpu_id) or offsetof(struct rseq, mm_cid): fixed per process. */
uint32_t _rseqagent_cpu_index_offset(void);
/* Regions the per-CPU caches need: possible CPUs (or RSEQAGENT_TEST_FAKE_CPUS). */
uint32_t _rseqagent_cpu_index_count(void);

/* "alloc_stats.c" */

/* A large span handed out (+bytes) or freed (-bytes): its bytes and the block counted. */
void _rseqagent_stats_large(int64_t delta);
/* A free the API refused before any layer saw it: inside the arena, not a block's start. */
void _rseqagent_stats_refused_free(void);

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

/* "events.c" — reports the shim makes on its own and thread starts the JVM hook defers, drained by the agent */

#define RSEQAGENT_EVENT_QUEUE_CAPACITY 4096
/* Queues the report; counts it as dropped when the queue is full. */
void _rseqagent_event_push(const int64_t *report);
/* Queues the report unless limit or more are queued: 0, else -ENOSPC (nothing counted). */
int _rseqagent_event_try_push(const int64_t *report, unsigned limit);
int64_t _rseqagent_events_dropped(void);
void _rseqagent_events_atfork_prepare(void);
void _rseqagent_events_atfork_parent(void);
void _rseqagent_events_atfork_child(void);

/* "jvm_hook.c" — JNI entry (JvmHook's native is registered, not exported) */

#ifdef _JAVASOFT_JNI_H_
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved);
/* "jni_memory.c" — the Java allocation facade's natives, registered on its JNI class. 0 or -1. */
int _rseqagent_jni_bind_memory(JNIEnv *env, jclass facade);
#endif

#pragma GCC visibility pop
#endif
