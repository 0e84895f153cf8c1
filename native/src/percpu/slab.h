/*
 * slab.h — per-CPU slabs, mechanics only: one region per CPU (or per mm_cid)
 * holding a bounded stack of free objects per size class; push and pop on
 * the calling thread's current CPU, each one rseq critical section
 * (percpu/seq_<arch>.h, spec in percpu/pseudocode.h). Capacities come from the
 * caller (percpu/cache.c decides them); this layer never allocates objects.
 *
 * Regions live in one reservation, touched only when a CPU first uses its
 * region, so a process with few threads commits only the regions it uses.
 */
#ifndef RSEQAGENT_SLAB_H
#define RSEQAGENT_SLAB_H

#include <stddef.h>
#include <stdint.h>

#include "../arch.h"

#define RSEQAGENT_SLAB_MAX_CLASSES 128
#define RSEQAGENT_SLAB_REGION_BYTES ((uint64_t)1 << RSEQAGENT_SLAB_REGION_SHIFT)
#define RSEQAGENT_SLAB_MAX_SLOTS (RSEQAGENT_SLAB_STATS_OFFSET / sizeof(void *)) /* the last page: counters */
_Static_assert(RSEQAGENT_SLAB_STATS_OFFSET == RSEQAGENT_SLAB_STATS_PAGE * 4096, "stats page");
_Static_assert(RSEQAGENT_SLAB_STATS_OFFSET + 4096 == RSEQAGENT_SLAB_REGION_BYTES, "stats are the last page");
_Static_assert(RSEQAGENT_SLAB_FREES_OFFSET == RSEQAGENT_SLAB_STATS_OFFSET + RSEQAGENT_SLAB_FREES_IN_PAGE, "frees");


struct _rseqagent_slab {
    char *base;     /* ncpus regions of RSEQAGENT_SLAB_REGION_BYTES */
    uint64_t ncpus; /* regions; a CPU index >= ncpus takes the slow path */
    uint64_t nclasses;
};

/*
 * The sequences themselves, one header per architecture (spec: percpu/pseudocode.h).
 * Each opens with its descriptor, arms it (tmp: a scratch register operand) and
 * starts at label 1; it ends with its commit at label 2 and the abort handler.
 */
#define RSEQAGENT_ASM_BEGIN(tmp) RSEQAGENT_ASM_CS_DESCRIPTOR RSEQAGENT_ASM_ARM_CS(tmp, "area") "1:\n\t"
#define RSEQAGENT_ASM_END "2:\n\t" RSEQAGENT_ASM_ABORT
#if defined(__x86_64__)
#include "seq_x86_64.h"
#elif defined(__aarch64__)
#include "seq_aarch64.h"
#endif

/* A region's counters page: hits per class, then the slow path's events (per CPU). */
struct _rseqagent_slab_stats {
    uint64_t hits[RSEQAGENT_SLAB_MAX_CLASSES];  /* written by the pop sequence */
    uint64_t frees[RSEQAGENT_SLAB_MAX_CLASSES]; /* written by the push sequence */
    uint64_t misses;    /* refills from the central lists */
    uint64_t overflows; /* spills to the central lists */
    uint64_t aborts;    /* sequences the kernel restarted (seen by the slow path) */
    uint64_t spilled;   /* objects popped to spill: counted by the pop sequence, but no hit */
    uint64_t refilled;  /* objects pushed by a refill: counted by the push sequence, but no free */
};

static inline struct _rseqagent_slab_stats *_rseqagent_slab_stats_of(const struct _rseqagent_slab *slab, uint64_t cpu)
{
    return (struct _rseqagent_slab_stats *)(slab->base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT) +
                                            RSEQAGENT_SLAB_STATS_OFFSET);
}

/* Header word of a class: current | begin << 16 | end << 32 (slot indices). */
static inline uint64_t _rseqagent_slab_header(uint32_t current, uint32_t begin, uint32_t end)
{
    return (uint64_t)current | (uint64_t)begin << 16 | (uint64_t)end << 32;
}

static inline uint32_t _rseqagent_slab_current(uint64_t h)
{
    return (uint32_t)(h & 0xffff);
}

static inline uint32_t _rseqagent_slab_begin(uint64_t h)
{
    return (uint32_t)((h >> 16) & 0xffff);
}

static inline uint32_t _rseqagent_slab_end(uint64_t h)
{
    return (uint32_t)((h >> 32) & 0xffff);
}

/* Region cpu's header words, one per class; all zero for a region never used. */
static inline const volatile uint64_t *_rseqagent_slab_headers(const struct _rseqagent_slab *slab, uint64_t cpu)
{
    return (const volatile uint64_t *)(slab->base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT));
}

/* Objects in class cls's stack of region cpu: a plain read, exact only while nobody pushes or pops there. */
static inline int64_t _rseqagent_slab_depth(const struct _rseqagent_slab *slab, uint64_t cpu, int cls)
{
    uint64_t h = _rseqagent_slab_headers(slab, cpu)[cls];
    return (int64_t)_rseqagent_slab_current(h) - (int64_t)_rseqagent_slab_begin(h);
}

/* pre: capacity[c] for c < nclasses; sum + nclasses <= RSEQAGENT_SLAB_MAX_SLOTS. 0 or -errno. */
int _rseqagent_slab_init(struct _rseqagent_slab *slab, uint64_t ncpus, uint64_t nclasses,
                         const uint16_t *capacity);

/*
 * Give the current CPU's region its headers if it has none yet (one rseq
 * sequence per class). 0: the region is ready (now or already); 1: index
 * out of range; -1: aborted, call again.
 * pre: area is the calling thread's registered rseq area, idx its cpu_id or mm_cid.
 */
int _rseqagent_slab_init_current(const struct _rseqagent_slab *slab, void *area, const uint32_t *idx,
                                 const uint16_t *capacity);

/*
 * TSan cannot see inline asm: tell it that a push publishes the object and
 * a pop receives it, which is what the rseq commit guarantees.
 */
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define RSEQAGENT_TSAN_PUBLISH(p) __tsan_release(p)
#define RSEQAGENT_TSAN_RECEIVE(p) __tsan_acquire(p)
#else
#define RSEQAGENT_TSAN_PUBLISH(p) ((void)(p))
#define RSEQAGENT_TSAN_RECEIVE(p) ((void)(p))
#endif

/* 0: popped into *item; 1: empty (or region not initialised); -1: aborted. pre: as above. */
static inline int _rseqagent_slab_pop(const struct _rseqagent_slab *slab, void *area, const uint32_t *idx,
                                      int cls, void **item)
{
    int rc = _rseqagent_rseq_pop_slab(slab, area, idx, (uint64_t)cls, item);
    if (rc == 0)
        RSEQAGENT_TSAN_RECEIVE(*item);
    return rc;
}

/* 0: pushed; 1: full (or region not initialised); -1: aborted. pre: as above. */
static inline int _rseqagent_slab_push(const struct _rseqagent_slab *slab, void *area, const uint32_t *idx,
                                       int cls, void *item)
{
    RSEQAGENT_TSAN_PUBLISH(item);
    return _rseqagent_rseq_push_slab(slab, area, idx, (uint64_t)cls, item);
}

/* Objects of cls in all regions' stacks; exact only while nobody pushes or pops. */
int64_t _rseqagent_slab_count(const struct _rseqagent_slab *slab, int cls);

/*
 * Draining another CPU's stack (the reclaimer). A stopped header has
 * current == begin == end, which no live class has (capacity >= 1): every
 * pop and push there fails, and first-use initialisation leaves it alone.
 */
#define RSEQAGENT_SLAB_STOPPED (_rseqagent_slab_header(1, 1, 1))

/* Once per process: 0 if the kernel can restart other CPUs' critical sections (membarrier RSEQ). */
int _rseqagent_slab_reclaim_init(void);

/*
 * Stop class cls of region cpu from any thread: compare-and-swap its header
 * to RSEQAGENT_SLAB_STOPPED, restart every critical section in flight
 * (membarrier), and check that no commit overwrote the stop meanwhile.
 * 0: stopped, *taken is the header the stack had (its objects are now the
 * caller's); 1: nothing to take (never used, empty, or stopped by another);
 * -EAGAIN: kept losing to commits. pre: _rseqagent_slab_reclaim_init() == 0.
 */
int _rseqagent_slab_stop(const struct _rseqagent_slab *slab, uint64_t cpu, int cls, uint64_t *taken);
/* The objects a stop took: slots begin .. current-1 of region cpu. */
static inline void *const *_rseqagent_slab_slots(const struct _rseqagent_slab *slab, uint64_t cpu)
{
    return (void *const *)(slab->base + (cpu << RSEQAGENT_SLAB_REGION_SHIFT));
}
/* pre: the class is stopped by the caller. Reopens it, empty. */
void _rseqagent_slab_restart(const struct _rseqagent_slab *slab, uint64_t cpu, int cls, uint64_t taken);

/* Bytes of regions touched (committed), counted through mincore. */
size_t _rseqagent_slab_committed(const struct _rseqagent_slab *slab);

#endif
