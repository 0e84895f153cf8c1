/*
 * alloc.h — internals of the allocator behind the per-CPU caches, grouped by
 * the file that defines them. Layers, bottom up:
 *   size_class.c  sizes -> classes, batch and span sizes per class
 *   span.c        one reserved virtual arena, cut into page spans;
 *                 "is this pointer ours?" is a range check
 *   central.c     per-class free lists and transfer batches behind a lock;
 *                 the per-CPU caches refill from and overflow to it
 * Everything the allocator hands out lives in the arena.
 */
#ifndef RSEQAGENT_ALLOC_H
#define RSEQAGENT_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define RSEQAGENT_MIN_ALIGN 16u
#define RSEQAGENT_PAGE_SHIFT 12u
#define RSEQAGENT_PAGE ((size_t)1 << RSEQAGENT_PAGE_SHIFT)
#define RSEQAGENT_MAX_SMALL ((size_t)256 * 1024) /* larger: a span of its own */

/* "size_class.c" */

/* Number of small size classes; classes are 0 .. count-1. */
int _rseqagent_class_count(void);
/* pre: 0 < size <= RSEQAGENT_MAX_SMALL. The smallest class whose size >= size. */
int _rseqagent_size_class(size_t size);
/* Object size of cls (a multiple of 16; a power of two up to 4 KiB keeps natural alignment). */
size_t _rseqagent_class_size(int cls);
/* Objects moved per transfer between a per-CPU cache and the central lists. */
unsigned _rseqagent_class_batch(int cls);
/* Pages per span carved into objects of cls. */
size_t _rseqagent_class_span_pages(int cls);

/* "span.c" */

struct _rseqagent_span {
    char *start;  /* page aligned */
    size_t pages;
    int cls;      /* size class, or -1: one large allocation */
};

/* Reserve the arena once (idempotent, thread-safe). 0 or -errno. */
int _rseqagent_arena_init(void);
/* Range check, lock-free: is p inside the arena? */
int _rseqagent_arena_owns(const void *p);
/* A span of pages for cls (-1: large), zero-filled on first use. NULL when the arena is exhausted. */
void *_rseqagent_span_alloc(size_t pages, int cls);
/* pre: start came from _rseqagent_span_alloc and was not freed since. */
void _rseqagent_span_free(void *start);
/* The live span containing p (any interior pointer): 0, or -ENOENT. */
int _rseqagent_span_lookup(const void *p, struct _rseqagent_span *out);
/* Give free spans' pages back to the OS (madvise); returns bytes released. */
size_t _rseqagent_span_release(void);
/* Bytes: reserved address space, committed (touched, not released), in live spans. */
void _rseqagent_arena_stats(int64_t *reserved, int64_t *committed, int64_t *in_spans);
/*
 * Added with the implementation (not in the first contract):
 * owner_word: one pointer-sized word per live span for the layer above
 * (central.c hangs its per-span record there; NULL when the span is handed
 * out). span.c never reads it; whoever owns the span serialises its use.
 * Returns NULL when start is not the start of a live span.
 * refused_frees: _rseqagent_span_free calls refused so far (not a live span's start).
 * atfork_*: span.c's lock; central's atfork hooks take it after the class locks.
 */
void **_rseqagent_span_owner_word(void *start);
int64_t _rseqagent_span_refused_frees(void);
void _rseqagent_span_atfork_prepare(void);
void _rseqagent_span_atfork_parent(void);
void _rseqagent_span_atfork_child(void);

/* "central.c" */

/* Up to n objects of cls into out (carving new spans as needed). Returns how many (0: out of memory). */
int _rseqagent_central_pop_batch(int cls, void **out, int n);
/*
 * Give n objects of cls back. Returns 0, or -EINVAL when one of them is not
 * an object of cls currently handed out (a double or foreign free); those are
 * dropped, reported, and never enter a free list twice.
 */
int _rseqagent_central_push_batch(int cls, void *const *in, int n);
/* Objects of cls currently handed out by the central lists (to caches or callers). */
int64_t _rseqagent_central_outstanding(int cls);
/* Added with the implementation: objects push_batch refused so far (all classes). */
int64_t _rseqagent_central_refused_frees(void);
/* Lock order: every class lock (ascending), then span.c's lock. */
void _rseqagent_central_atfork_prepare(void);
void _rseqagent_central_atfork_parent(void);
void _rseqagent_central_atfork_child(void);

#endif
