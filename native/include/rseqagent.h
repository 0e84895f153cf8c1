/*
 * rseqagent.h — public C API of the rseq-agent shim.
 *
 * The shim answers, per thread, "who owns this thread's rseq registration?"
 * and, on request, makes rseq usable on the thread (registering its own area
 * when nobody owns it, or taking a foreign owner's __rseq_refcount).
 * JNI libraries in the same process may call these too.
 *
 * All functions return 0 (or a count) on success and -errno on failure;
 * none of them aborts the process on bad input.
 */
#ifndef RSEQAGENT_H
#define RSEQAGENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RSEQAGENT_VERSION 1

/* Who owns the calling thread's rseq registration. */
enum rseqagent_owner {
    RSEQAGENT_OWNER_NEW = 0,         /* only as "from": first sight of the thread */
    RSEQAGENT_OWNER_GLIBC = 1,       /* glibc >= 2.35 registered it (tp + __rseq_offset) */
    RSEQAGENT_OWNER_FOREIGN = 2,     /* a loaded library exporting __rseq_abi */
    RSEQAGENT_OWNER_UNKNOWN = 3,     /* an area we cannot identify */
    RSEQAGENT_OWNER_SHIM = 4,        /* our own area */
    RSEQAGENT_OWNER_NONE = 5,        /* nobody; rseq available */
    RSEQAGENT_OWNER_UNAVAILABLE = 6, /* no kernel support, or blocked (seccomp) */
};

/* Whether the shim may run critical sections on that area. */
enum rseqagent_mode {
    RSEQAGENT_MODE_NONE = 0,     /* nobody owns it yet */
    RSEQAGENT_MODE_RSEQ = 1,     /* critical sections may run on it */
    RSEQAGENT_MODE_FALLBACK = 2, /* never: use the fallback path */
};

/* What the kernel said of the owner's signature. */
enum rseqagent_sig {
    RSEQAGENT_SIG_NOT_CHECKED = 0,
    RSEQAGENT_SIG_MATCH = 1, /* the standard RSEQ_SIG of this architecture */
    RSEQAGENT_SIG_OTHER = 2,
};

/* Which per-CPU index a thread in rseq mode uses (fixed per process). */
enum rseqagent_cpu_source {
    RSEQAGENT_CPU_SOURCE_NONE = 0,
    RSEQAGENT_CPU_SOURCE_CPU_ID = 1,
    RSEQAGENT_CPU_SOURCE_MM_CID = 2,
};

/* Why an ownership report was made. */
enum rseqagent_event_kind {
    RSEQAGENT_EVENT_PROBE = 0,       /* a probe of the calling thread */
    RSEQAGENT_EVENT_THREAD_EXIT = 1, /* the thread exited; its state is gone */
    RSEQAGENT_EVENT_ALLOCATOR = 2,   /* the allocator's first call on the thread changed its owner (acquire) */
    RSEQAGENT_EVENT_THREAD_START = 3, /* a thread-start probe queued for the drainer, not handed to the thread */
    RSEQAGENT_EVENT_LEFT_JVM = 4,     /* the thread left the JVM (JNI detach, or its end as a Java thread):
                                         the agent gave back what it held there */
};

/*
 * An ownership report is an array of RSEQAGENT_REPORT_FIELDS int64 values,
 * indexed as below (a flat array binds cheaply from Java).
 */
enum rseqagent_report_field {
    RSEQAGENT_R_KIND = 0,       /* enum rseqagent_event_kind */
    RSEQAGENT_R_TID = 1,        /* kernel thread id */
    RSEQAGENT_R_FROM_OWNER = 2, /* enum rseqagent_owner (NEW on first sight) */
    RSEQAGENT_R_FROM_MODE = 3,  /* enum rseqagent_mode */
    RSEQAGENT_R_OWNER = 4,      /* enum rseqagent_owner */
    RSEQAGENT_R_MODE = 5,       /* enum rseqagent_mode */
    RSEQAGENT_R_AREA = 6,       /* address of the registered area, 0 if none/unknown */
    RSEQAGENT_R_LEN = 7,        /* registered length, 0 if none/unknown */
    RSEQAGENT_R_SIG = 8,        /* enum rseqagent_sig */
    RSEQAGENT_R_CPU_SOURCE = 9, /* enum rseqagent_cpu_source */
    RSEQAGENT_R_ERRNO = 10,     /* errno that made the owner UNAVAILABLE, else 0 */
    RSEQAGENT_R_HELD = 11,      /* 1 while the shim holds the owner's __rseq_refcount */
    RSEQAGENT_R_TAG = 12,       /* a word the report's maker attached (THREAD_START: the JVM hook's
                                   JNI global reference to the Thread), else 0 */
    RSEQAGENT_REPORT_FIELDS = 13,
};

/* Flags of rseqagent_thread_probe. */
#define RSEQAGENT_PROBE_ACQUIRE 0x1 /* make rseq usable on this thread if it can be */
#define RSEQAGENT_PROBE_RELEASE 0x2 /* give back what ACQUIRE took; the allocator then takes nothing
                                       on this thread (its fallback) until the next ACQUIRE */

/* Process-wide facts, indexed as below (rseqagent_process_info). */
enum rseqagent_process_field {
    RSEQAGENT_P_KERNEL_ERRNO = 0,  /* 0 if the kernel has rseq, else ENOSYS/EPERM/... */
    RSEQAGENT_P_FEATURE_SIZE = 1,  /* AT_RSEQ_FEATURE_SIZE, 0 if unknown */
    RSEQAGENT_P_ALIGN = 2,         /* AT_RSEQ_ALIGN, 0 if unknown */
    RSEQAGENT_P_GLIBC_OFFSET = 3,  /* __rseq_offset */
    RSEQAGENT_P_GLIBC_SIZE = 4,    /* __rseq_size (0: glibc did not register) */
    RSEQAGENT_P_GLIBC_SYMBOLS = 5, /* 1 if glibc exports the __rseq_* symbols */
    RSEQAGENT_P_CPU_SOURCE = 6,    /* enum rseqagent_cpu_source for rseq mode */
    RSEQAGENT_PROCESS_FIELDS = 7,
};

/* Counters, indexed as below (rseqagent_counters). */
enum rseqagent_counter {
    RSEQAGENT_C_REGISTRATIONS = 0,   /* own areas registered */
    RSEQAGENT_C_UNREGISTRATIONS = 1, /* own areas unregistered */
    RSEQAGENT_C_FOREIGN_TAKES = 2,   /* foreign __rseq_refcount taken */
    RSEQAGENT_C_FOREIGN_GIVES = 3,   /* foreign __rseq_refcount given back */
    RSEQAGENT_C_EVENTS_DROPPED = 4,  /* exit events lost to a full queue */
    RSEQAGENT_C_THREAD_STATES = 5,   /* threads with live shim state */
    RSEQAGENT_COUNTERS = 6,
};

/* Once per process; later calls return the first result. pre: none. */
int rseqagent_init(void);

/*
 * Probe the calling thread and report its owner in report[RSEQAGENT_REPORT_FIELDS].
 * flags: 0, RSEQAGENT_PROBE_ACQUIRE or RSEQAGENT_PROBE_RELEASE.
 * pre: rseqagent_init() returned 0; report != NULL.
 * A probe without ACQUIRE never leaves a registration behind.
 */
int rseqagent_thread_probe(int64_t *report, int flags);

/* pre: info has RSEQAGENT_PROCESS_FIELDS slots. */
int rseqagent_process_info(int64_t *info);

/* pre: out has RSEQAGENT_COUNTERS slots. */
int rseqagent_counters(int64_t *out);

/*
 * The loaded libraries that define __rseq_abi (each a would-be owner), as
 * newline-terminated paths in buf (names that do not fit are left out).
 * Returns how many there are, or -EINVAL.
 */
int rseqagent_foreign_owners(char *buf, size_t len);

/*
 * Move up to max queued reports (events the shim made on its own, such as
 * thread exits) into buf, RSEQAGENT_REPORT_FIELDS values each. Waits until
 * the queue is half full or timeout_ms has passed (pushes do not wake the
 * drainer one by one), then moves what is there. Returns the number moved.
 */
int rseqagent_events_drain(int64_t *buf, int max, int timeout_ms);

/*
 * Allocation, served from per-CPU caches driven by rseq critical sections
 * where the calling thread's registration allows it (else from locked
 * central lists). Every block is at least 16-byte aligned; blocks whose size
 * is a power of two up to 4 KiB are aligned to their size.
 *
 * rseqagent_malloc(0) returns a unique block (usable size 16); NULL and
 * errno ENOMEM when memory is exhausted or the size is absurd.
 * rseqagent_free(NULL) does nothing; a pointer this allocator did not hand
 * out goes to libc free(); a pointer inside the allocator's arena that is
 * not a live block (interior pointer) is ignored. A double free is refused
 * where it is cheap to see (a freed large block, a block reaching the
 * central lists twice); one that stays in a per-CPU cache is undefined, as
 * with other allocators. A debug build (-DRSEQAGENT_DEBUG) aborts with a
 * message on every double or invalid free.
 * rseqagent_realloc of a foreign pointer is libc realloc(); (p, 0) frees p
 * and returns NULL; on failure p is left untouched.
 */
void *rseqagent_malloc(size_t size);
void rseqagent_free(void *p);
void *rseqagent_realloc(void *p, size_t size);
void *rseqagent_calloc(size_t nmemb, size_t size);
/*
 * The per-CPU fast paths alone, for callers that must not block (an FFM
 * critical downcall): one pop or push on the calling thread's per-CPU stack
 * and nothing else — no lock, no system call, no errno. They do nothing
 * until the thread's first rseqagent_malloc/free has decided its rseq mode,
 * nor in fallback mode or debug builds.
 * rseqagent_malloc_fast: a block, or NULL (the caller then calls rseqagent_malloc).
 * rseqagent_free_fast: 0 when p was taken (or is NULL), 1 when the caller
 * must call rseqagent_free(p).
 */
void *rseqagent_malloc_fast(size_t size);
int rseqagent_free_fast(void *p);

/* Bytes usable at p: ours, libc's malloc_usable_size for foreign pointers, 0 for NULL. */
size_t rseqagent_usable_size(void *p);
/*
 * 1 if p is the start of a block of this allocator: one it handed out, or
 * one it keeps cached after a free (telling those apart would cost a lookup
 * on every free). 0 for NULL, libc's pointers and interior pointers.
 */
int rseqagent_owns(const void *p);

/* The allocator's figures for the whole process, indexed as below. */
enum rseqagent_alloc_stat {
    RSEQAGENT_AS_BYTES_IN_USE = 0,    /* handed out and not freed (class sizes and large spans) */
    RSEQAGENT_AS_BYTES_CACHED = 1,    /* sitting in the per-CPU caches */
    RSEQAGENT_AS_BYTES_RESERVED = 2,  /* arena address space */
    RSEQAGENT_AS_BYTES_COMMITTED = 3, /* arena pages touched and not given back */
    RSEQAGENT_AS_REGIONS = 4,         /* per-CPU regions (CPUs or mm_cid values); 0 before first use */
    RSEQAGENT_AS_FALLBACK_OPS = 5,    /* allocations and frees by threads without usable rseq */
    RSEQAGENT_AS_REFUSED_FREES = 6,   /* frees refused: not a block's start (an interior or stale
                                         address), or a second free the central lists or spans saw */
    RSEQAGENT_AS_LARGE_ALLOCS = 7,    /* blocks over 256 KiB (spans of their own) handed out, since the start */
    RSEQAGENT_AS_LARGE_FREES = 8,     /* and freed */
    RSEQAGENT_ALLOC_STATS = 9,
};

/* One per-CPU region's figures, indexed as below. */
enum rseqagent_cpu_stat {
    RSEQAGENT_CS_HITS = 0,         /* allocations served by the region (an aborted pop may count twice) */
    RSEQAGENT_CS_MISSES = 1,       /* refills from the central lists */
    RSEQAGENT_CS_OVERFLOWS = 2,    /* spills to the central lists */
    RSEQAGENT_CS_ABORTS = 3,       /* critical sections the kernel restarted */
    RSEQAGENT_CS_BYTES_CACHED = 4, /* bytes in the region's stacks */
    RSEQAGENT_CS_FREES = 5,        /* frees taken by the region (an aborted push may count twice) */
    RSEQAGENT_CPU_STATS = 6,
};

/*
 * Give back what idle regions cache: a region whose hits, misses and
 * overflows did not move since the previous call has its stacks drained to
 * the central lists (safely against threads still using it: each class is
 * stopped, then membarrier restarts every critical section in flight), and
 * free pages go back to the OS. Call it periodically (the Java agent does,
 * every second). Returns the bytes drained, or -errno (ENOSYS/EINVAL: the
 * kernel has no membarrier RSEQ).
 */
int64_t rseqagent_reclaim(void);

/* What bounds the allocator's arena (rseqagent_arena_budget). */
enum {
    RSEQAGENT_ARENA_UNBOUND = 0,          /* 64 GiB: no limit counts reserved memory */
    RSEQAGENT_ARENA_BY_ADDRESS_SPACE = 1, /* ulimit -v (RLIMIT_AS) */
    RSEQAGENT_ARENA_BY_DATA = 2,          /* ulimit -d (RLIMIT_DATA) */
    RSEQAGENT_ARENA_BY_COMMIT = 3,        /* strict overcommit (vm.overcommit_memory=2) */
};

/*
 * The address space the allocator's arena would reserve if it were reserved
 * now: 64 GiB, or under a limit that counts reserved memory an eighth of what
 * is left (0: too little, no arena); *bound_by (if not NULL) says which
 * limit. Reserves nothing.
 */
int64_t rseqagent_arena_budget(int *bound_by);

/*
 * Whether rseqagent_reclaim can drain other CPUs' caches here: 0, or -errno
 * from registering for membarrier's RSEQ command (ENOSYS/EINVAL: the kernel
 * has none; EPERM: a seccomp filter). Registers once; cheap after that.
 */
int rseqagent_reclaim_supported(void);

/* pre: out has RSEQAGENT_ALLOC_STATS slots. Exact only while no thread allocates. */
int rseqagent_alloc_stats(int64_t *out);
/* pre: out has RSEQAGENT_CPU_STATS slots; -EINVAL for region >= RSEQAGENT_AS_REGIONS. */
int rseqagent_cpu_stats(uint32_t region, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif /* RSEQAGENT_H */
