/*
 * cache.c — the slow paths of the per-CPU caches (cache.h has the fast
 * paths): deciding a thread's mode, first use of a CPU's region, refilling
 * an empty class from the central lists and spilling a full one back, in
 * batches, and the fallback for threads that may not use rseq.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <stddef.h>

#include "../alloc/alloc.h"
#include "cache.h"

#define MAX_BATCH 64
#define ATTEMPTS 16 /* aborts and migrations in a row before taking the central lists */

struct _rseqagent_slab _rseqagent_cache_slab;
uint32_t _rseqagent_cache_idx_offset;

static uint16_t capacity[RSEQAGENT_SLAB_MAX_CLASSES];
static pthread_once_t slab_once = PTHREAD_ONCE_INIT;
static _Atomic int slab_ready;
static _Atomic int64_t stat_misses, stat_overflows, stat_aborts, stat_fallback_ops;

/* Slow-path events go to the counters page of the CPU the thread was last seen on
 * (approximate under migration, exact in sum); without a region, to globals. */
static void count_event(void *area, size_t field, _Atomic int64_t *global)
{
    uint32_t cpu = area ? *(const volatile uint32_t *)_rseqagent_cache_index_of(area) : UINT32_MAX;
    if (cpu < _rseqagent_cache_slab.ncpus) {
        uint64_t *counter = (uint64_t *)((char *)_rseqagent_slab_stats_of(&_rseqagent_cache_slab, cpu) + field);
        __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
    } else {
        atomic_fetch_add_explicit(global, 1, memory_order_relaxed);
    }
}
/* Objects a spill popped (counted as hits by the pop sequence) or a refill pushed (as frees). */
static void count_moved(uint32_t cpu, size_t field, int n)
{
    if (cpu < _rseqagent_cache_slab.ncpus && n > 0)
        __atomic_fetch_add((uint64_t *)((char *)_rseqagent_slab_stats_of(&_rseqagent_cache_slab, cpu) + field),
                           (uint64_t)n, __ATOMIC_RELAXED);
}
#define COUNT(area, name) count_event((area), offsetof(struct _rseqagent_slab_stats, name), &stat_##name)

/* An aborted sequence inside a refill or spill: counted like any other (its counter
 * increment may have run before the abort, so the figures stay consistent), then retried. */
static void count_abort(void *area, int *tries)
{
    COUNT(area, aborts);
    (*tries)++;
}

/* Two batches per class: a refill and a spill never meet in the middle. */
static void slab_setup(void)
{
    int n = _rseqagent_class_count();
    if (n > RSEQAGENT_SLAB_MAX_CLASSES || _rseqagent_arena_init() != 0)
        return;
    for (int c = 0; c < n; c++) {
        unsigned b = _rseqagent_class_batch(c);
        capacity[c] = (uint16_t)(2 * (b < MAX_BATCH ? b : MAX_BATCH));
    }
    _rseqagent_cache_idx_offset = _rseqagent_cpu_index_offset();
    atomic_store_explicit(&slab_ready,
                          _rseqagent_slab_init(&_rseqagent_cache_slab, _rseqagent_cpu_index_count(), (uint64_t)n,
                                               capacity) == 0,
                          memory_order_release);
}

/* The area this thread may run critical sections on, or NULL: use the central lists. */
static void *usable_area(void)
{
    pthread_once(&slab_once, slab_setup);
    if (!slab_ready)
        return NULL; /* no slabs: do not register rseq on this thread for nothing */
    void *area = _rseqagent_cs_area_decide(); /* only here: after the slab's set-up is visible */
    return (uintptr_t)area > RSEQAGENT_CS_AREA_FALLBACK ? area : NULL;
}

static void *central_one(int cls)
{
    void *obj;
    atomic_fetch_add_explicit(&stat_fallback_ops, 1, memory_order_relaxed);
    return _rseqagent_central_pop_batch(cls, &obj, 1) == 1 ? obj : NULL;
}

/* Keep batch[0] for the caller, cache what fits of the rest, return the remainder. */
static void *refill(void *area, int cls)
{
    void *batch[MAX_BATCH];
    uint32_t cpu = *_rseqagent_cache_index_of(area); /* where the pushes below will (almost always) run */
    unsigned want = _rseqagent_class_batch(cls);
    int n = _rseqagent_central_pop_batch(cls, batch, (int)(want < MAX_BATCH ? want : MAX_BATCH));
    if (n == 0)
        return NULL;
    /* The batch comes in rising address order; pushed from its top down, the
     * stack hands it out rising too, so a run of allocations walks memory
     * forward, as the hardware prefetcher expects (cold blocks zero ~25% faster). */
    int top = n - 1;
    for (int tries = 0; top > 0 && tries < ATTEMPTS;) {
        int rc = _rseqagent_slab_push(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), cls, batch[top]);
        if (rc == 0)
            top--;
        else if (rc > 0)
            break;
        else
            count_abort(area, &tries);
    }
    if (top > 0)
        _rseqagent_central_push_batch(cls, batch + 1, top);
    COUNT(area, misses);
    count_moved(cpu, offsetof(struct _rseqagent_slab_stats, refilled), n - 1 - top);
    return batch[0];
}

__attribute__((noinline)) void *_rseqagent_cache_alloc_generic(int cls, int fast_rc)
{
    void *area = usable_area();
    if (fast_rc < 0)
        COUNT(area, aborts);
    if (!area)
        return central_one(cls);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        void *item;
        int rc = _rseqagent_slab_pop(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), cls, &item);
        if (rc == 0)
            return item;
        if (rc < 0) {
            COUNT(area, aborts);
            continue;
        }
        rc = _rseqagent_slab_init_current(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), capacity);
        if (rc > 0)
            break; /* CPU index out of range: central lists */
        if (rc == 0)
            return refill(area, cls);
    }
    return central_one(cls);
}

/* Move a batch of cls from this CPU's stack to the central lists; returns how many moved. */
static int spill(void *area, int cls)
{
    uint32_t cpu = *_rseqagent_cache_index_of(area); /* where the pops below will (almost always) run */
    void *batch[MAX_BATCH];
    unsigned want = _rseqagent_class_batch(cls);
    int n = 0;
    for (int tries = 0; n < (int)(want < MAX_BATCH ? want : MAX_BATCH) && tries < ATTEMPTS;) {
        int rc = _rseqagent_slab_pop(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), cls, &batch[n]);
        if (rc == 0)
            n++;
        else if (rc > 0)
            break;
        else
            count_abort(area, &tries);
    }
    if (n == 0)
        return 0; /* nothing there: the stack is stopped by the reclaimer, or another CPU's */
    _rseqagent_central_push_batch(cls, batch, n);
    COUNT(area, overflows);
    count_moved(cpu, offsetof(struct _rseqagent_slab_stats, spilled), n);
    return n;
}

__attribute__((noinline)) void _rseqagent_cache_free_generic(int cls, void *p, int fast_rc)
{
    void *area = usable_area();
    if (fast_rc < 0)
        COUNT(area, aborts);
    for (int attempt = 0; area && attempt < ATTEMPTS; attempt++) {
        int rc = _rseqagent_slab_push(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), cls, p);
        if (rc == 0)
            return;
        if (rc < 0) {
            COUNT(area, aborts);
            continue;
        }
        rc = _rseqagent_slab_init_current(&_rseqagent_cache_slab, area, _rseqagent_cache_index_of(area), capacity);
        if (rc > 0)
            break;
        if (rc == 0 && spill(area, cls) == 0)
            break; /* full but nothing to spill (stopped): the central lists take it */
    }
    atomic_fetch_add_explicit(&stat_fallback_ops, 1, memory_order_relaxed);
    _rseqagent_central_push_batch(cls, &p, 1);
}

/* One region's counters (all zero for a region never used), cached bytes included. */
void _rseqagent_cache_cpu_stats(uint32_t cpu, struct _rseqagent_cpu_figures *out)
{
    memset(out, 0, sizeof(*out));
    if (!slab_ready || cpu >= _rseqagent_cache_slab.ncpus)
        return;
    if (_rseqagent_slab_headers(&_rseqagent_cache_slab, cpu)[0] == 0)
        return; /* never used: do not even map its pages */
    const struct _rseqagent_slab_stats *st = _rseqagent_slab_stats_of(&_rseqagent_cache_slab, cpu);
    for (uint64_t c = 0; c < _rseqagent_cache_slab.nclasses; c++) {
        out->hits += (int64_t)__atomic_load_n(&st->hits[c], __ATOMIC_RELAXED);
        out->frees += (int64_t)__atomic_load_n(&st->frees[c], __ATOMIC_RELAXED);
        out->bytes_cached += _rseqagent_slab_depth(&_rseqagent_cache_slab, cpu, (int)c) *
                             (int64_t)_rseqagent_class_size((int)c);
    }
    out->hits -= (int64_t)__atomic_load_n(&st->spilled, __ATOMIC_RELAXED);
    out->frees -= (int64_t)__atomic_load_n(&st->refilled, __ATOMIC_RELAXED);
    out->misses = (int64_t)__atomic_load_n(&st->misses, __ATOMIC_RELAXED);
    out->overflows = (int64_t)__atomic_load_n(&st->overflows, __ATOMIC_RELAXED);
    out->aborts = (int64_t)__atomic_load_n(&st->aborts, __ATOMIC_RELAXED);
}

uint32_t _rseqagent_cache_regions(void)
{
    return slab_ready ? (uint32_t)_rseqagent_cache_slab.ncpus : 0;
}

void _rseqagent_cache_stats(int64_t *misses, int64_t *overflows, int64_t *aborts, int64_t *fallback_ops)
{
    *misses = atomic_load_explicit(&stat_misses, memory_order_relaxed);
    *overflows = atomic_load_explicit(&stat_overflows, memory_order_relaxed);
    *aborts = atomic_load_explicit(&stat_aborts, memory_order_relaxed);
    *fallback_ops = atomic_load_explicit(&stat_fallback_ops, memory_order_relaxed);
    for (uint32_t cpu = 0; cpu < _rseqagent_cache_regions(); cpu++) {
        struct _rseqagent_cpu_figures f;
        _rseqagent_cache_cpu_stats(cpu, &f);
        *misses += f.misses;
        *overflows += f.overflows;
        *aborts += f.aborts;
    }
}

int64_t _rseqagent_cache_cached(int cls)
{
    return slab_ready ? _rseqagent_slab_count(&_rseqagent_cache_slab, cls) : 0;
}

/* ---- the reclaimer: caches of idle regions back to the central lists ------ */

static pthread_mutex_t reclaim_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *last_activity; /* per region: hits + misses + overflows at the previous pass */

/* Move one stopped class's objects to the central lists. */
static int64_t drain_stopped(uint64_t cpu, int cls, uint64_t taken)
{
    void *const *slots = _rseqagent_slab_slots(&_rseqagent_cache_slab, cpu);
    uint32_t begin = _rseqagent_slab_begin(taken), current = _rseqagent_slab_current(taken);
    for (uint32_t i = begin; i < current; i++)
        RSEQAGENT_TSAN_RECEIVE(slots[i]);
    _rseqagent_central_push_batch(cls, slots + begin, (int)(current - begin));
    _rseqagent_slab_restart(&_rseqagent_cache_slab, cpu, cls, taken);
    return (int64_t)(current - begin) * (int64_t)_rseqagent_class_size(cls);
}

static int64_t drain_region(uint64_t cpu)
{
    int64_t bytes = 0;
    for (uint64_t c = 0; c < _rseqagent_cache_slab.nclasses; c++) {
        uint64_t taken;
        if (_rseqagent_slab_stop(&_rseqagent_cache_slab, cpu, (int)c, &taken) == 0)
            bytes += drain_stopped(cpu, (int)c, taken);
    }
    return bytes;
}

int _rseqagent_cache_reclaim_supported(void)
{
    return _rseqagent_slab_reclaim_init();
}

/* Every region, busy or not (tests: it races the stop protocol against live users). */
int64_t _rseqagent_cache_drain_all(void)
{
    if (!slab_ready || _rseqagent_slab_reclaim_init() != 0)
        return 0;
    pthread_mutex_lock(&reclaim_lock);
    int64_t drained = 0;
    for (uint64_t cpu = 0; cpu < _rseqagent_cache_slab.ncpus; cpu++)
        drained += drain_region(cpu);
    pthread_mutex_unlock(&reclaim_lock);
    return drained;
}

/*
 * A region is idle when its hits, misses and overflows did not move since
 * the previous pass: its cached objects go back to the central lists (and,
 * past the span layer's slack, their pages to the OS). Returns the bytes
 * drained, or -errno when the kernel cannot restart other CPUs' sequences.
 */
int64_t _rseqagent_cache_reclaim(void)
{
    if (!slab_ready)
        return 0;
    int rc = _rseqagent_slab_reclaim_init();
    if (rc)
        return rc;
    pthread_mutex_lock(&reclaim_lock);
    if (!last_activity)
        last_activity = calloc(_rseqagent_cache_slab.ncpus, sizeof(*last_activity));
    int64_t drained = last_activity ? 0 : -ENOMEM;
    for (uint64_t cpu = 0; last_activity && cpu < _rseqagent_cache_slab.ncpus; cpu++) {
        struct _rseqagent_cpu_figures f;
        _rseqagent_cache_cpu_stats((uint32_t)cpu, &f);
        uint64_t activity = (uint64_t)(f.hits + f.frees + f.misses + f.overflows); /* frees too: a free-only CPU is busy */
        if (activity != last_activity[cpu]) {
            last_activity[cpu] = activity;
            continue;
        }
        if (f.bytes_cached > 0)
            drained += drain_region(cpu);
    }
    pthread_mutex_unlock(&reclaim_lock);
    return drained;
}
