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

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#pragma GCC visibility push(hidden) /* as in internal.h */

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

/*
 * The same tables for inline use on the fast path, built by a library
 * constructor (and by the first call of any function above, whichever is first).
 */
#define RSEQAGENT_CLASS_MID_STEP 128u
/*
 * Per class, what the free path needs to tell an object's start from any
 * other offset in a span: size = odd << shift, and odd's inverse modulo 2^64.
 */
struct _rseqagent_class_fast {
    uint64_t odd_inverse; /* odd * odd_inverse == 1 (mod 2^64) */
    uint32_t objects;     /* whole objects in a span */
    uint32_t shift;       /* trailing zero bits of the size */
};
extern unsigned char _rseqagent_class_tiny[];
extern unsigned char _rseqagent_class_mid[];
extern struct _rseqagent_class_fast _rseqagent_class_fast[];

static inline int _rseqagent_size_class_inline(size_t size)
{
    return size <= 1024 ? _rseqagent_class_tiny[(size + 15) >> 4]
                        : _rseqagent_class_mid[(size + RSEQAGENT_CLASS_MID_STEP - 1) / RSEQAGENT_CLASS_MID_STEP];
}

/*
 * Does an object of cls start at offset in its span? One multiply, one
 * rotate, one compare: offset * odd_inverse rotated right by shift is
 * offset / size when size divides offset, and above 2^64 / size when it does
 * not (Granlund and Montgomery's divisibility test), so a single compare
 * with the objects in a span answers both "a boundary?" and "inside?".
 */
static inline int _rseqagent_class_boundary(int cls, size_t offset)
{
    const struct _rseqagent_class_fast *f = &_rseqagent_class_fast[cls];
    uint64_t x = (uint64_t)offset * f->odd_inverse;
    uint64_t index = (x >> f->shift) | (x << ((64 - f->shift) & 63));
    return index < f->objects;
}

/* "span.c" */

/*
 * The page map: one entry per arena page. A live span writes all its pages'
 * entries (start, pages, cls), set before the span is handed out and kept
 * while it lives, so the free of a live block can read them without a lock.
 * Everything else in it belongs to span.c, under its lock.
 */
enum _rseqagent_page_state { RSEQAGENT_PAGE_UNUSED = 0, RSEQAGENT_PAGE_LIVE, RSEQAGENT_PAGE_FREE };

struct _rseqagent_page_entry {
    uint32_t start; /* first page of the span this page belongs to */
    uint32_t pages; /* that span's length */
    union {
        struct {
            uint32_t prev, next; /* free list, at a free span's first page */
        } link;
        void *owner; /* a live span's word for the layer above, at its first page */
    } u;
    int16_t cls;
    uint8_t state;    /* enum _rseqagent_page_state */
    uint8_t released; /* free span: pages madvised away since last use */
    uint16_t freed_pass; /* free span, first page: the release pass during which it was freed (wraps) */
    int16_t freed_cls;   /* free span, first page: the class its pages last served (-1 large, -2 mixed) */
};

extern struct _rseqagent_page_entry *_rseqagent_page_map;
extern _Atomic(uintptr_t) _rseqagent_arena_base;
extern _Atomic(size_t) _rseqagent_arena_bytes; /* 0 until the arena exists; published (release) last */

#define RSEQAGENT_BLOCK_NOT_OURS (-3) /* outside the arena */
#define RSEQAGENT_BLOCK_INVALID (-2)  /* inside, but not the start of a live block */
#define RSEQAGENT_BLOCK_LARGE (-1)    /* the start of a large span */

/* The class of the live block starting at p, or one of RSEQAGENT_BLOCK_*. No lock: see above. */
static inline int _rseqagent_block_class(const void *p)
{
    size_t bytes = atomic_load_explicit(&_rseqagent_arena_bytes, memory_order_acquire);
    uintptr_t off = (uintptr_t)p - atomic_load_explicit(&_rseqagent_arena_base, memory_order_relaxed);
    if (off >= bytes) /* no arena yet: bytes is 0 */
        return RSEQAGENT_BLOCK_NOT_OURS;
    const struct _rseqagent_page_entry *e = &_rseqagent_page_map[off >> RSEQAGENT_PAGE_SHIFT];
    if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != RSEQAGENT_PAGE_LIVE)
        return RSEQAGENT_BLOCK_INVALID;
    /* A LIVE entry names its live span: freeing a span marks all its entries free. */
    uint32_t start = __atomic_load_n(&e->start, __ATOMIC_RELAXED);
    int cls = __atomic_load_n(&e->cls, __ATOMIC_RELAXED);
    size_t within = off - ((size_t)start << RSEQAGENT_PAGE_SHIFT);
    if (cls < 0)
        return within == 0 ? RSEQAGENT_BLOCK_LARGE : RSEQAGENT_BLOCK_INVALID;
    return _rseqagent_class_boundary(cls, within) ? cls : RSEQAGENT_BLOCK_INVALID;
}

struct _rseqagent_span {
    char *start;  /* page aligned */
    size_t pages;
    int cls;      /* size class, or -1: one large allocation */
};

/* Reserve the arena once (idempotent, thread-safe). 0 or -errno. */
int _rseqagent_arena_init(void);
/* How large an arena to try (arena_budget.c): first, halved on failure down to least; first 0: none. */
struct _rseqagent_arena_plan {
    size_t first, least;
    int bound_by; /* RSEQAGENT_ARENA_* */
};
void _rseqagent_arena_plan(struct _rseqagent_arena_plan *plan);
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
/* Spans freed so far: while it stays the same, a span that could not be had still cannot. */
uint64_t _rseqagent_spans_freed(void);
void _rseqagent_span_atfork_prepare(void);
void _rseqagent_span_atfork_parent(void);
void _rseqagent_span_atfork_child(void);

/* "debug_live.c" — RSEQAGENT_DEBUG builds only: exact double-free detection (aborts) */

#ifdef RSEQAGENT_DEBUG
#define RSEQAGENT_DEBUG_BUILD 1 /* every block goes through the exact tracking */
void _rseqagent_debug_handed_out(const void *p);
void _rseqagent_debug_given_back(const void *p);
void _rseqagent_debug_not_a_block(const void *p);
#define RSEQAGENT_DEBUG_HANDED_OUT(p) _rseqagent_debug_handed_out(p)
#define RSEQAGENT_DEBUG_GIVEN_BACK(p) _rseqagent_debug_given_back(p)
#define RSEQAGENT_DEBUG_NOT_A_BLOCK(p) _rseqagent_debug_not_a_block(p)
#else
#define RSEQAGENT_DEBUG_BUILD 0
#define RSEQAGENT_DEBUG_HANDED_OUT(p) ((void)(p))
#define RSEQAGENT_DEBUG_GIVEN_BACK(p) ((void)(p))
#define RSEQAGENT_DEBUG_NOT_A_BLOCK(p) ((void)(p))
#endif

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

#pragma GCC visibility pop
#endif
