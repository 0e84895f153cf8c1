/*
 * alloc_stats.c — the allocator's figures for the public API: per-region
 * counters from the per-CPU caches, process-wide bytes from the central
 * lists and the arena. Reading them takes no lock on any fast path.
 */
#include <errno.h>
#include <stdatomic.h>

#include "alloc/alloc.h"
#include "internal.h"
#include "percpu/cache.h"

static _Atomic int64_t large_bytes, large_allocs, large_frees;
static _Atomic int64_t refused_by_api;

void _rseqagent_stats_large(int64_t delta)
{
    atomic_fetch_add_explicit(&large_bytes, delta, memory_order_relaxed);
    atomic_fetch_add_explicit(delta > 0 ? &large_allocs : &large_frees, 1, memory_order_relaxed);
}

void _rseqagent_stats_refused_free(void)
{
    atomic_fetch_add_explicit(&refused_by_api, 1, memory_order_relaxed);
}

RSEQAGENT_EXPORT int rseqagent_cpu_stats(uint32_t region, int64_t *out)
{
    if (!out || region >= _rseqagent_cache_regions())
        return -EINVAL;
    struct _rseqagent_cpu_figures f;
    _rseqagent_cache_cpu_stats(region, &f);
    out[RSEQAGENT_CS_HITS] = f.hits;
    out[RSEQAGENT_CS_MISSES] = f.misses;
    out[RSEQAGENT_CS_OVERFLOWS] = f.overflows;
    out[RSEQAGENT_CS_ABORTS] = f.aborts;
    out[RSEQAGENT_CS_BYTES_CACHED] = f.bytes_cached;
    out[RSEQAGENT_CS_FREES] = f.frees;
    return 0;
}

RSEQAGENT_EXPORT int rseqagent_alloc_stats(int64_t *out)
{
    if (!out)
        return -EINVAL;
    int64_t in_use = atomic_load_explicit(&large_bytes, memory_order_relaxed);
    int64_t cached = 0;
    for (int c = 0; c < _rseqagent_class_count(); c++) {
        int64_t size = (int64_t)_rseqagent_class_size(c);
        int64_t in_cache = _rseqagent_cache_cached(c);
        cached += in_cache * size;
        in_use += (_rseqagent_central_outstanding(c) - in_cache) * size;
    }
    int64_t reserved = 0, committed = 0, in_spans = 0, misses, overflows, aborts, fallback;
    if (atomic_load_explicit(&_rseqagent_arena_base, memory_order_acquire))
        _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    _rseqagent_cache_stats(&misses, &overflows, &aborts, &fallback);
    out[RSEQAGENT_AS_BYTES_IN_USE] = in_use;
    out[RSEQAGENT_AS_BYTES_CACHED] = cached;
    out[RSEQAGENT_AS_BYTES_RESERVED] = reserved;
    out[RSEQAGENT_AS_BYTES_COMMITTED] = committed;
    out[RSEQAGENT_AS_REGIONS] = _rseqagent_cache_regions();
    out[RSEQAGENT_AS_FALLBACK_OPS] = fallback;
    out[RSEQAGENT_AS_REFUSED_FREES] = _rseqagent_central_refused_frees() + _rseqagent_span_refused_frees() +
                                      atomic_load_explicit(&refused_by_api, memory_order_relaxed);
    out[RSEQAGENT_AS_LARGE_ALLOCS] = atomic_load_explicit(&large_allocs, memory_order_relaxed);
    out[RSEQAGENT_AS_LARGE_FREES] = atomic_load_explicit(&large_frees, memory_order_relaxed);
    return 0;
}

RSEQAGENT_EXPORT int rseqagent_reclaim_supported(void)
{
    return _rseqagent_cache_reclaim_supported();
}

RSEQAGENT_EXPORT int64_t rseqagent_reclaim(void)
{
    int64_t drained = _rseqagent_cache_reclaim();
    _rseqagent_span_release();
    return drained;
}
