/*
 * malloc_api.c — the public allocation API (include/rseqagent.h): sizes to
 * classes, small objects through the per-CPU caches, large ones as spans of
 * their own, and everything that is not ours handed back to libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/alloc.h"
#include "internal.h"
#include "percpu/cache.h"

/* Under ASan a cached small block is poisoned until it is handed out again:
 * the allocator itself never touches a free object (stacks and bitmaps only). */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CACHED_POISON(p, cls) ASAN_POISON_MEMORY_REGION((p), _rseqagent_class_size(cls))
#define CACHED_UNPOISON(p, cls) ASAN_UNPOISON_MEMORY_REGION((p), _rseqagent_class_size(cls))
#else
#define CACHED_POISON(p, cls) ((void)(p), (void)(cls))
#define CACHED_UNPOISON(p, cls) ((void)(p), (void)(cls))
#endif

__attribute__((noinline, cold)) static void *large_alloc(size_t size)
{
    if (size > SIZE_MAX - RSEQAGENT_PAGE || rseqagent_init() != 0 || _rseqagent_arena_init() != 0) {
        errno = ENOMEM;
        return NULL;
    }
    size_t pages = (size + RSEQAGENT_PAGE - 1) >> RSEQAGENT_PAGE_SHIFT;
    void *p = _rseqagent_span_alloc(pages, -1);
    if (!p) {
        errno = ENOMEM;
        return NULL;
    }
    RSEQAGENT_DEBUG_HANDED_OUT(p);
    _rseqagent_stats_large((int64_t)(pages << RSEQAGENT_PAGE_SHIFT));
    return p;
}

/*
 * fast_rc: what the fast pop returned (the generic path counts it). The class
 * is looked up again here, through the function that builds the tables if
 * need be: correct even if a caller got here before the constructor ran.
 */
__attribute__((noinline)) static void *small_alloc_slow(size_t size, int fast_rc)
{
    int cls = _rseqagent_size_class(size ? size : 1);
    void *p = _rseqagent_cache_alloc_generic(cls, fast_rc);
    if (rseqagent_unlikely(!p)) {
        errno = ENOMEM;
        return NULL;
    }
    CACHED_UNPOISON(p, cls);
    RSEQAGENT_DEBUG_HANDED_OUT(p);
    return p;
}

/*
 * The fast paths are a pop or push on the calling thread's per-CPU stack and
 * nothing else: no check that the class tables exist (a library constructor
 * builds them, size_class.c), no errno, no test of the result. Everything
 * else is out of line (small_alloc_slow, the caches' generic paths, free_other).
 */
RSEQAGENT_EXPORT void *rseqagent_malloc(size_t size)
{
    if (rseqagent_unlikely(size > RSEQAGENT_MAX_SMALL))
        return large_alloc(size);
    int cls = _rseqagent_size_class_inline(size); /* 0 bytes: the smallest class */
    void *p;
    int rc = _rseqagent_cache_try_pop(cls, &p);
    if (rseqagent_likely(rc == 0)) {
        CACHED_UNPOISON(p, cls);
        RSEQAGENT_DEBUG_HANDED_OUT(p);
        return p;
    }
    return small_alloc_slow(size, rc);
}

/*
 * The fast paths alone, for callers that must not block (FFM critical
 * downcalls): a pop or push on the calling thread's per-CPU stack, or
 * nothing. No lock, no system call, no errno.
 */
RSEQAGENT_EXPORT void *rseqagent_malloc_fast(size_t size)
{
    if (rseqagent_unlikely(size > RSEQAGENT_MAX_SMALL))
        return NULL;
    int cls = _rseqagent_size_class_inline(size);
    void *p;
    if (RSEQAGENT_DEBUG_BUILD || _rseqagent_cache_try_pop(cls, &p) != 0)
        return NULL; /* debug builds: every block goes through the tracking full path */
    CACHED_UNPOISON(p, cls);
    return p;
}

RSEQAGENT_EXPORT int rseqagent_free_fast(void *p)
{
    int cls = _rseqagent_block_class(p);
    if (RSEQAGENT_DEBUG_BUILD || rseqagent_unlikely(cls < 0))
        return p ? 1 : 0;
    CACHED_POISON(p, cls);
    if (rseqagent_likely(_rseqagent_cache_try_push(cls, p) == 0))
        return 0;
    CACHED_UNPOISON(p, cls); /* still the caller's: it takes the full path */
    return 1;
}

__attribute__((noinline, cold)) static void large_free(void *p)
{
    struct _rseqagent_span span;
    if (_rseqagent_span_lookup(p, &span) == 0 && span.start == (char *)p) {
        _rseqagent_stats_large(-(int64_t)(span.pages << RSEQAGENT_PAGE_SHIFT));
        _rseqagent_span_free(p);
    } else {
        _rseqagent_stats_refused_free(); /* inside a large span */
    }
}

/* Everything but a small block: large spans, libc's pointers, refusals. */
__attribute__((noinline)) static void free_other(void *p, int cls)
{
    if (cls == RSEQAGENT_BLOCK_LARGE) {
        RSEQAGENT_DEBUG_GIVEN_BACK(p);
        large_free(p);
    } else if (cls == RSEQAGENT_BLOCK_NOT_OURS) {
        free(p); /* not ours: libc's (NULL included) */
    } else {
        RSEQAGENT_DEBUG_NOT_A_BLOCK(p); /* release builds: refused, counted, never a crash */
        _rseqagent_stats_refused_free();
    }
}

RSEQAGENT_EXPORT void rseqagent_free(void *p)
{
    int cls = _rseqagent_block_class(p); /* NULL is outside the arena */
    if (rseqagent_likely(cls >= 0)) {
        RSEQAGENT_DEBUG_GIVEN_BACK(p);
        CACHED_POISON(p, cls);
        _rseqagent_cache_free(cls, p);
        return;
    }
    free_other(p, cls);
}

RSEQAGENT_EXPORT size_t rseqagent_usable_size(void *p)
{
    if (!p)
        return 0;
    int cls = _rseqagent_block_class(p);
    if (cls >= 0)
        return _rseqagent_class_size(cls);
    struct _rseqagent_span span;
    if (cls == RSEQAGENT_BLOCK_LARGE && _rseqagent_span_lookup(p, &span) == 0)
        return span.pages << RSEQAGENT_PAGE_SHIFT;
    return cls == RSEQAGENT_BLOCK_NOT_OURS ? malloc_usable_size(p) : 0;
}

RSEQAGENT_EXPORT int rseqagent_owns(const void *p)
{
    return p && _rseqagent_block_class(p) >= RSEQAGENT_BLOCK_LARGE;
}

/*
 * Zeroes a small block from its top down when it lies below the block this
 * thread zeroed last. Blocks a GC frees in bulk (a heap's worth of dead direct
 * buffers) come back in falling address order as often as in rising order;
 * zeroing each cold block against that running order loses the hardware
 * prefetcher's stream (examples/bench/c/zero_order.c: 10-20% slower here).
 */
static __thread uintptr_t tls_last_zeroed __attribute__((tls_model("initial-exec")));

static void zero_small(char *p, size_t bytes)
{
    uintptr_t last = tls_last_zeroed;
    tls_last_zeroed = (uintptr_t)p;
    if ((uintptr_t)p >= last || bytes < 1024) {
        memset(p, 0, bytes);
        return;
    }
    size_t top = bytes;
    for (; top >= 64; top -= 64)
        memset(p + top - 64, 0, 64);
    memset(p, 0, top);
}

RSEQAGENT_EXPORT void *rseqagent_calloc(size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    size_t bytes = nmemb * size;
    void *p = rseqagent_malloc(bytes);
    if (p && bytes <= RSEQAGENT_MAX_SMALL)
        zero_small(p, bytes); /* large spans come zero-filled */
    return p;
}

RSEQAGENT_EXPORT void *rseqagent_realloc(void *p, size_t size)
{
    if (!p)
        return rseqagent_malloc(size);
    if (!_rseqagent_arena_owns(p))
        return realloc(p, size); /* not ours: libc's */
    if (size == 0) {
        rseqagent_free(p);
        return NULL;
    }
    size_t usable = rseqagent_usable_size(p);
    if (usable == 0) {
        errno = EINVAL; /* inside the arena but not a live block */
        return NULL;
    }
    if (size <= usable && size > usable / 2)
        return p;
    void *q = rseqagent_malloc(size);
    if (!q)
        return NULL; /* p is untouched, as realloc promises */
    memcpy(q, p, size < usable ? size : usable);
    rseqagent_free(p);
    return q;
}
