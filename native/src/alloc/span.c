/*
 * span.c — one reserved virtual arena, cut into page spans.
 *
 * The arena is a single MAP_NORESERVE mapping (64 GiB, halved on failure down
 * to 1 GiB); the kernel commits a page when it is first touched, so unused
 * reserve costs nothing, except where every reserved byte counts (ulimit -v,
 * ulimit -d, strict overcommit): there the arena takes at most an eighth of
 * what is left (arena_budget.c; at least 16 MiB), so the JVM keeps room for
 * its threads and heaps. Callers get NULL once the arena is full (the Java
 * facade then uses the JDK's allocator). Test seam: RSEQAGENT_ARENA_BYTES=<bytes>,
 * read once at the first arena call, reserves exactly that much (rounded down
 * to pages) so a test can exhaust the arena.
 *
 * A page map (one entry per arena page, also MAP_NORESERVE) describes spans:
 *   live span: every page's entry names the span (start, pages, cls), so a
 *              lookup of any interior pointer is one read; freeing a span
 *              marks all its entries free, so an entry that says LIVE always
 *              belongs to a live span;
 *   free span: only its first and last entries are kept, enough to coalesce
 *              with neighbours; the first holds the free-list links.
 * Pages below the bump pointer are tiled by spans; above it lies never-used
 * space. Free spans sit on exact lists for 1..128 pages and one best-fit
 * list for larger ones. The free spans' memory is never written, so pages
 * given back by _rseqagent_span_release stay uncommitted until reused.
 *
 * Release: free pages go back to the OS (madvise) only once they have stayed
 * free through a whole release pass, so memory freed and reused within a
 * pass (a GC freeing thousands of direct buffers, then the application
 * allocating them again) is never faulted in twice. Passes run from
 * rseqagent_reclaim (the agent calls it every second) and, when more than
 * RELEASE_SLACK_PAGES sit free and committed, from a span free, at most once
 * per RELEASE_INTERVAL_NS.
 *
 * Accounting: committed = pages of live spans + free spans not released.
 * A released span merged with an unreleased one counts as unreleased
 * (committed, an overestimate that the next release corrects).
 *
 * One mutex guards it all (a slow path). Lock order: central.c's class locks
 * before this lock; central's atfork hooks take it last.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "alloc.h"
#include "../../include/rseqagent.h"

#define EXACT_LISTS 128u                 /* free spans of 1..128 pages: one list per length */
#define NO_PAGE UINT32_MAX
/* Free but committed pages kept for reuse before they go back to the OS. */
#define RELEASE_SLACK_PAGES ((size_t)(16u << 20) >> RSEQAGENT_PAGE_SHIFT)
#define ZERO_BY_MADVISE ((size_t)1 << 20) /* reused large spans this big: madvise, not memset */
#define RELEASE_INTERVAL_NS 1000000000LL   /* frees start a release pass at most this often */

static pthread_once_t arena_once = PTHREAD_ONCE_INIT;
static int arena_init_rc;
_Atomic(uintptr_t) _rseqagent_arena_base; /* 0 until reserved */
_Atomic(size_t) _rseqagent_arena_bytes;

static pthread_mutex_t span_lock = PTHREAD_MUTEX_INITIALIZER;
struct _rseqagent_page_entry *_rseqagent_page_map;
static uint32_t arena_pages;
static uint32_t bump;                          /* first never-used page */
static uint32_t exact_head[EXACT_LISTS + 1];   /* by length; [0] unused */
static uint64_t exact_nonempty[EXACT_LISTS / 64]; /* bit pages-1 set: list not empty */
static uint32_t large_head;
static uint16_t release_pass;      /* passes so far (wraps); a free span records the current one */
#define MIXED_CLASSES (-2)         /* freed_cls of a span merged from spans of different classes */
static int64_t last_pass_ns;       /* CLOCK_MONOTONIC_COARSE start of the last pass */
static size_t committed_pages, live_pages;
static _Atomic int64_t refused_frees;
static _Atomic uint64_t spans_freed; /* a full arena can hold a new span again only after one more */

/* ---- reserving ------------------------------------------------------------ */

static void *map_noreserve(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* 0 and the size RSEQAGENT_ARENA_BYTES asks for (0 without it), or -EINVAL for a malformed one. */
static int requested_bytes(size_t *bytes, int *exact)
{
    const char *env = getenv("RSEQAGENT_ARENA_BYTES");
    *exact = env != NULL;
    *bytes = 0;
    if (!env)
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(env, &end, 10);
    if (errno || end == env || *end || v < RSEQAGENT_PAGE ||
        v / RSEQAGENT_PAGE >= NO_PAGE)
        return -EINVAL;
    *bytes = (size_t)v & ~(RSEQAGENT_PAGE - 1);
    return 0;
}

static void reserve_arena(void)
{
    size_t bytes;
    int exact;
    arena_init_rc = requested_bytes(&bytes, &exact);
    if (arena_init_rc)
        return;
    struct _rseqagent_arena_plan plan = { bytes, bytes, RSEQAGENT_ARENA_UNBOUND };
    if (!exact) {
        _rseqagent_arena_plan(&plan);
        bytes = plan.first;
    }
    if (bytes == 0) {
        arena_init_rc = -ENOMEM; /* a limit leaves too little */
        return;
    }
    void *base;
    while (!(base = map_noreserve(bytes))) {
        if (bytes / 2 < plan.least) {
            arena_init_rc = -ENOMEM;
            return;
        }
        bytes /= 2;
    }
    size_t pages = bytes >> RSEQAGENT_PAGE_SHIFT;
    _rseqagent_page_map = map_noreserve(pages * sizeof(*_rseqagent_page_map));
    if (!_rseqagent_page_map) {
        munmap(base, bytes);
        arena_init_rc = -ENOMEM;
        return;
    }
    arena_pages = (uint32_t)pages;
    for (unsigned i = 0; i <= EXACT_LISTS; i++)
        exact_head[i] = NO_PAGE;
    large_head = NO_PAGE;
    atomic_store_explicit(&_rseqagent_arena_base, (uintptr_t)base, memory_order_relaxed);
    atomic_store_explicit(&_rseqagent_arena_bytes, bytes, memory_order_release); /* publishes it all */
}

int _rseqagent_arena_init(void)
{
    pthread_once(&arena_once, reserve_arena);
    return arena_init_rc;
}

int _rseqagent_arena_owns(const void *p)
{
    size_t bytes = atomic_load_explicit(&_rseqagent_arena_bytes, memory_order_acquire);
    return (uintptr_t)p - atomic_load_explicit(&_rseqagent_arena_base, memory_order_relaxed) < bytes;
}

static inline char *page_address(uint32_t page)
{
    return (char *)atomic_load_explicit(&_rseqagent_arena_base, memory_order_relaxed) +
           ((size_t)page << RSEQAGENT_PAGE_SHIFT);
}

static inline uint32_t page_of(const void *p)
{
    uintptr_t base = atomic_load_explicit(&_rseqagent_arena_base, memory_order_relaxed);
    return (uint32_t)(((uintptr_t)p - base) >> RSEQAGENT_PAGE_SHIFT);
}

/* ---- free lists (span_lock held) ------------------------------------------ */

static uint32_t *list_head(uint32_t pages)
{
    return pages <= EXACT_LISTS ? &exact_head[pages] : &large_head;
}

static void mark_list(uint32_t pages)
{
    if (pages > EXACT_LISTS)
        return;
    uint64_t bit = (uint64_t)1 << ((pages - 1) % 64);
    if (exact_head[pages] == NO_PAGE)
        exact_nonempty[(pages - 1) / 64] &= ~bit;
    else
        exact_nonempty[(pages - 1) / 64] |= bit;
}

static void list_insert(uint32_t s)
{
    struct _rseqagent_page_entry *e = &_rseqagent_page_map[s];
    uint32_t *head = list_head(e->pages);
    e->u.link.prev = NO_PAGE;
    e->u.link.next = *head;
    if (*head != NO_PAGE)
        _rseqagent_page_map[*head].u.link.prev = s;
    *head = s;
    mark_list(e->pages);
}

static void list_remove(uint32_t s)
{
    struct _rseqagent_page_entry *e = &_rseqagent_page_map[s];
    if (e->u.link.prev != NO_PAGE)
        _rseqagent_page_map[e->u.link.prev].u.link.next = e->u.link.next;
    else
        *list_head(e->pages) = e->u.link.next;
    if (e->u.link.next != NO_PAGE)
        _rseqagent_page_map[e->u.link.next].u.link.prev = e->u.link.prev;
    mark_list(e->pages);
}

/* Describe [s, s+pages) as one free span (first and last entries) and list it. */
static void make_free(uint32_t s, uint32_t pages, int released, uint16_t freed_pass, int freed_cls)
{
    uint32_t ends[2] = { s, s + pages - 1 };
    for (int i = 0; i < 2; i++) {
        struct _rseqagent_page_entry *e = &_rseqagent_page_map[ends[i]];
        e->start = s;
        e->pages = pages;
        e->cls = -1;
        e->state = RSEQAGENT_PAGE_FREE;
        e->released = (uint8_t)released;
    }
    _rseqagent_page_map[s].freed_pass = freed_pass;
    _rseqagent_page_map[s].freed_cls = (int16_t)freed_cls;
    list_insert(s);
}

static void make_live(uint32_t s, uint32_t pages, int cls)
{
    for (uint32_t i = s; i < s + pages; i++) {
        struct _rseqagent_page_entry *e = &_rseqagent_page_map[i];
        e->start = s;
        e->pages = pages;
        e->cls = (int16_t)cls;
        e->state = RSEQAGENT_PAGE_LIVE;
        e->released = 0;
    }
    _rseqagent_page_map[s].u.owner = NULL;
}

/* The first page of the smallest free span of at least pages, or NO_PAGE. */
static uint32_t find_free(uint32_t pages)
{
    /* Bit b of exact_nonempty stands for the list of b + 1 pages. */
    for (uint32_t b = pages - 1; b < EXACT_LISTS; b = (b | 63) + 1) {
        uint64_t more = exact_nonempty[b / 64] >> (b % 64);
        if (more)
            return exact_head[b + (uint32_t)__builtin_ctzll(more) + 1];
    }
    uint32_t best = NO_PAGE;
    for (uint32_t s = large_head; s != NO_PAGE; s = _rseqagent_page_map[s].u.link.next) {
        uint32_t n = _rseqagent_page_map[s].pages;
        if (n >= pages && (best == NO_PAGE || n < _rseqagent_page_map[best].pages ||
                           (n == _rseqagent_page_map[best].pages && s < best)))
            best = s;
    }
    return best;
}

/* ---- spans ------------------------------------------------------------------ */

static void zero_span(char *p, size_t bytes)
{
    /* A private anonymous page reads as zero after MADV_DONTNEED. */
    if (bytes >= ZERO_BY_MADVISE && madvise(p, bytes, MADV_DONTNEED) == 0)
        return;
    memset(p, 0, bytes);
}

enum { DIRTY_NO, DIRTY_SAME_CLASS, DIRTY_OTHER_CLASS }; /* what a reused span's pages hold */

/* First page of a fresh span of pages for cls: from a free span (split) or
 * the bump pointer; *dirty says what its memory may hold. NO_PAGE if none. */
static uint32_t take_pages(uint32_t pages, int cls, int *dirty)
{
    uint32_t s = find_free(pages);
    if (s != NO_PAGE) {
        uint32_t have = _rseqagent_page_map[s].pages;
        int released = _rseqagent_page_map[s].released;
        uint16_t freed_pass = _rseqagent_page_map[s].freed_pass;
        int freed_cls = _rseqagent_page_map[s].freed_cls;
        list_remove(s);
        if (have > pages)
            make_free(s + pages, have - pages, released, freed_pass, freed_cls);
        if (released)
            committed_pages += pages;
        /* Pages that served another layout would stay resident in the gaps of
         * the new one: reused for a different class, they are scrubbed. */
        *dirty = released ? DIRTY_NO : freed_cls == cls ? DIRTY_SAME_CLASS : DIRTY_OTHER_CLASS;
        return s;
    }
    if (arena_pages - bump < pages)
        return NO_PAGE;
    s = bump;
    bump += pages;
    committed_pages += pages;
    *dirty = DIRTY_NO;
    return s;
}

void *_rseqagent_span_alloc(size_t pages, int cls)
{
    if (_rseqagent_arena_init() || pages == 0 || pages > arena_pages)
        return NULL;
    pthread_mutex_lock(&span_lock);
    int dirty = DIRTY_NO;
    uint32_t s = take_pages((uint32_t)pages, cls, &dirty);
    if (s != NO_PAGE) {
        make_live(s, (uint32_t)pages, cls);
        live_pages += pages;
    }
    pthread_mutex_unlock(&span_lock);
    if (s == NO_PAGE)
        return NULL;
    char *p = page_address(s);
#if defined(__SANITIZE_ADDRESS__)
    ASAN_UNPOISON_MEMORY_REGION(p, pages << RSEQAGENT_PAGE_SHIFT); /* old objects may have been poisoned free */
#endif
    /* Large spans back calloc; small classes need no zeroing here (calloc
     * of a small size clears the object itself). Zeroed outside the lock:
     * the span is ours alone now. */
    if (dirty != DIRTY_NO && cls == -1)
        zero_span(p, pages << RSEQAGENT_PAGE_SHIFT);
    else if (dirty == DIRTY_OTHER_CLASS)
        madvise(p, pages << RSEQAGENT_PAGE_SHIFT, MADV_DONTNEED); /* best effort: only RSS is at stake */
    return p;
}

/* 1 when page s is the first page of a live span. */
static int is_live_start(uint32_t s)
{
    return s < bump && _rseqagent_page_map[s].state == RSEQAGENT_PAGE_LIVE && _rseqagent_page_map[s].start == s;
}

/* Field by field: a live neighbour's owner word belongs to the layer above. */
static uint32_t free_span_ending_at(uint32_t last)
{
    if (_rseqagent_page_map[last].state != RSEQAGENT_PAGE_FREE)
        return NO_PAGE;
    uint32_t s = _rseqagent_page_map[last].start;
    return _rseqagent_page_map[s].state == RSEQAGENT_PAGE_FREE && _rseqagent_page_map[s].start == s &&
                   s + _rseqagent_page_map[s].pages == last + 1
               ? s
               : NO_PAGE;
}

static uint32_t free_span_starting_at(uint32_t s)
{
    return s < bump && _rseqagent_page_map[s].state == RSEQAGENT_PAGE_FREE && _rseqagent_page_map[s].start == s ? s : NO_PAGE;
}

/* The class of a span merged from one of cls and the free span at n (released pages hold nothing). */
static int merged_class(int cls, uint32_t n)
{
    const struct _rseqagent_page_entry *e = &_rseqagent_page_map[n];
    return e->released || e->freed_cls == cls ? cls : MIXED_CLASSES;
}

static void free_locked(uint32_t s)
{
    uint32_t pages = _rseqagent_page_map[s].pages;
    int cls = _rseqagent_page_map[s].cls;
    live_pages -= pages;
    /* Every entry, so that the lock-free block lookup never trusts a stale
     * interior one; a second free of s is refused from now on. */
    for (uint32_t i = s; i < s + pages; i++)
        __atomic_store_n(&_rseqagent_page_map[i].state, RSEQAGENT_PAGE_FREE, __ATOMIC_RELAXED);
    uint32_t left = s > 0 ? free_span_ending_at(s - 1) : NO_PAGE;
    if (left != NO_PAGE) {
        uint32_t n = _rseqagent_page_map[left].pages;
        list_remove(left);
        cls = merged_class(cls, left);
        if (_rseqagent_page_map[left].released)
            committed_pages += n;
        s = left;
        pages += n;
    }
    uint32_t right = free_span_starting_at(s + pages);
    if (right != NO_PAGE) {
        uint32_t n = _rseqagent_page_map[right].pages;
        list_remove(right);
        cls = merged_class(cls, right);
        if (_rseqagent_page_map[right].released)
            committed_pages += n;
        pages += n;
    }
    /* The span just freed was in use, so the merged span is not released;
     * released neighbours' pages count as committed again (see banner). */
    make_free(s, pages, 0, release_pass, cls);
}

/* pre: span_lock held. Whether RELEASE_INTERVAL_NS passed since the last pass began. */
static int pass_due(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec - last_pass_ns >= RELEASE_INTERVAL_NS;
}

void _rseqagent_span_free(void *start)
{
    if (!_rseqagent_arena_owns(start) || ((uintptr_t)start & (RSEQAGENT_PAGE - 1))) {
        atomic_fetch_add_explicit(&refused_frees, 1, memory_order_relaxed);
        return;
    }
    uint32_t s = page_of(start);
    pthread_mutex_lock(&span_lock);
    int live = is_live_start(s);
    if (live) {
        free_locked(s);
        atomic_fetch_add_explicit(&spans_freed, 1, memory_order_relaxed);
    }
    int release = committed_pages - live_pages > RELEASE_SLACK_PAGES && pass_due();
    pthread_mutex_unlock(&span_lock);
    if (!live)
        atomic_fetch_add_explicit(&refused_frees, 1, memory_order_relaxed);
    if (release)
        _rseqagent_span_release(); /* idle free pages back to the OS */
}


uint64_t _rseqagent_spans_freed(void)
{
    return atomic_load_explicit(&spans_freed, memory_order_relaxed);
}

int64_t _rseqagent_span_refused_frees(void)
{
    return atomic_load_explicit(&refused_frees, memory_order_relaxed);
}

/*
 * Interior entries of a freed span keep their old contents. One that still
 * says LIVE names an old start s; the check against s's own entry fails
 * unless a live span starts at s again and covers this page, and such a
 * span rewrote this page's entry when it was made.
 */
int _rseqagent_span_lookup(const void *p, struct _rseqagent_span *out)
{
    if (!_rseqagent_arena_owns(p))
        return -ENOENT;
    uint32_t pg = page_of(p);
    int rc = -ENOENT;
    pthread_mutex_lock(&span_lock);
    if (pg < bump && _rseqagent_page_map[pg].state == RSEQAGENT_PAGE_LIVE) {
        uint32_t s = _rseqagent_page_map[pg].start;
        if (is_live_start(s) && pg - s < _rseqagent_page_map[s].pages) {
            out->start = page_address(s);
            out->pages = _rseqagent_page_map[s].pages;
            out->cls = _rseqagent_page_map[s].cls;
            rc = 0;
        }
    }
    pthread_mutex_unlock(&span_lock);
    return rc;
}

void **_rseqagent_span_owner_word(void *start)
{
    if (!_rseqagent_arena_owns(start) || ((uintptr_t)start & (RSEQAGENT_PAGE - 1)))
        return NULL;
    uint32_t s = page_of(start);
    pthread_mutex_lock(&span_lock);
    void **word = is_live_start(s) ? &_rseqagent_page_map[s].u.owner : NULL;
    pthread_mutex_unlock(&span_lock);
    return word;
}

/* madvise every unreleased span on the list starting at head that was freed
 * before the current pass (free through a whole pass); bytes released. */
static size_t release_list(uint32_t head)
{
    size_t bytes = 0;
    for (uint32_t s = head; s != NO_PAGE; s = _rseqagent_page_map[s].u.link.next) {
        struct _rseqagent_page_entry *e = &_rseqagent_page_map[s];
        if (e->released || e->freed_pass == release_pass)
            continue;
        size_t len = (size_t)e->pages << RSEQAGENT_PAGE_SHIFT;
        if (madvise(page_address(s), len, MADV_DONTNEED) != 0)
            continue;
        e->released = 1;
        _rseqagent_page_map[s + e->pages - 1].released = 1;
        committed_pages -= e->pages;
        bytes += len;
    }
    return bytes;
}

size_t _rseqagent_span_release(void)
{
    if (atomic_load_explicit(&_rseqagent_arena_base, memory_order_acquire) == 0)
        return 0;
    size_t bytes = 0;
    pthread_mutex_lock(&span_lock);
    for (uint32_t n = 1; n <= EXACT_LISTS; n++)
        bytes += release_list(exact_head[n]);
    bytes += release_list(large_head);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    last_pass_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
    release_pass++; /* what is free now is released by the next pass if still free */
    pthread_mutex_unlock(&span_lock);
    return bytes;
}

void _rseqagent_arena_stats(int64_t *reserved, int64_t *committed, int64_t *in_spans)
{
    pthread_mutex_lock(&span_lock);
    *reserved = (int64_t)atomic_load_explicit(&_rseqagent_arena_bytes, memory_order_relaxed);
    *committed = (int64_t)committed_pages << RSEQAGENT_PAGE_SHIFT;
    *in_spans = (int64_t)live_pages << RSEQAGENT_PAGE_SHIFT;
    pthread_mutex_unlock(&span_lock);
}

void _rseqagent_span_atfork_prepare(void)
{
    pthread_mutex_lock(&span_lock);
}

void _rseqagent_span_atfork_parent(void)
{
    pthread_mutex_unlock(&span_lock);
}

void _rseqagent_span_atfork_child(void)
{
    pthread_mutex_unlock(&span_lock);
}
