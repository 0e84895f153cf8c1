/*
 * cache.h — per-CPU caches, the policy over percpu/slab.h: which threads may
 * use the rseq slabs, how much each class caches, when to refill from or
 * overflow to the central lists. The fast paths below are a load of the
 * thread's rseq area and one slab sequence; everything else is in cache.c
 * (the _generic slow paths).
 *
 * A thread uses the slabs only in rseq mode (an rseq commit is exclusive
 * only against other rseq users on that CPU); threads in fallback mode go to
 * the central lists, which are locked.
 */
#ifndef RSEQAGENT_CACHE_H
#define RSEQAGENT_CACHE_H

#include "../internal.h"
#include "slab.h"
#pragma GCC visibility push(hidden) /* as in internal.h */

extern struct _rseqagent_slab _rseqagent_cache_slab;
extern uint32_t _rseqagent_cache_idx_offset; /* offsetof cpu_id or mm_cid in the area */

/* fast_rc: what the fast path's sequence returned (-1 aborted, 1 empty/full), for the counters. */
void *_rseqagent_cache_alloc_generic(int cls, int fast_rc);
void _rseqagent_cache_free_generic(int cls, void *p, int fast_rc);
/* Objects of cls sitting in the per-CPU stacks; exact only while no thread allocates. */
int64_t _rseqagent_cache_cached(int cls);
/* Slow-path events so far, summed over CPUs (the fast path counts hits per CPU only). */
void _rseqagent_cache_stats(int64_t *misses, int64_t *overflows, int64_t *aborts, int64_t *fallback_ops);
/* Drain idle regions' caches to the central lists; bytes drained or -errno. */
int64_t _rseqagent_cache_reclaim(void);
/* Whether the kernel lets _rseqagent_cache_reclaim stop other CPUs' sequences: 0 or -errno. */
int _rseqagent_cache_reclaim_supported(void);
/* Drain every region, busy or not; bytes drained (for tests of the stop protocol). */
int64_t _rseqagent_cache_drain_all(void);
/* Regions (CPUs or concurrency ids) the caches have; 0 before first use. */
uint32_t _rseqagent_cache_regions(void);
/* One region's counters and cached bytes. */
struct _rseqagent_cpu_figures {
    int64_t hits;   /* allocations served by the region's stacks */
    int64_t frees;  /* frees taken by them */
    int64_t misses, overflows, aborts, bytes_cached;
};
void _rseqagent_cache_cpu_stats(uint32_t cpu, struct _rseqagent_cpu_figures *out);

/* The CPU index word (cpu_id or mm_cid) in a registered rseq area. */
static inline const uint32_t *_rseqagent_cache_index_of(void *area)
{
    return (const uint32_t *)((char *)area + _rseqagent_cache_idx_offset);
}

/*
 * One pop / push on the calling thread's region, if it may use the slabs:
 * 0 done; 1 empty / full, or the thread is not in rseq mode; -1 aborted.
 */
static inline int _rseqagent_cache_try_pop(int cls, void **item)
{
    void *area = _rseqagent_tls_cs_area;
    if (rseqagent_unlikely((uintptr_t)area <= RSEQAGENT_CS_AREA_FALLBACK))
        return 1;
    return _rseqagent_slab_pop(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), cls, item);
}

static inline int _rseqagent_cache_try_push(int cls, void *p)
{
    void *area = _rseqagent_tls_cs_area;
    if (rseqagent_unlikely((uintptr_t)area <= RSEQAGENT_CS_AREA_FALLBACK))
        return 1;
    return _rseqagent_slab_push(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), cls, p);
}

/* pre: p is an object of cls handed out by this allocator. */
static inline void _rseqagent_cache_free(int cls, void *p)
{
    int rc = _rseqagent_cache_try_push(cls, p);
    if (rseqagent_unlikely(rc != 0))
        _rseqagent_cache_free_generic(cls, p, rc);
}

#pragma GCC visibility pop
#endif
