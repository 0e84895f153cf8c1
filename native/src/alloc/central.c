/*
 * central.c — per-class central free lists: the per-CPU caches refill from
 * and overflow to them in batches. One mutex per class, adaptive: it is held
 * for a batch at most, so a contender spins briefly before it sleeps (a
 * producer refilling while a consumer spills would otherwise meet in futex).
 *
 * Each span of a class has a record (hung off the span's owner word, see
 * span.c) with an allocation bitmap, one bit per object slot. The bitmap is
 * the free list: a pop sets clear bits, a push clears set ones. So a push can
 * check cheaply that a pointer is an object of its class, at a slot boundary,
 * currently handed out; anything else (double free, foreign or interior
 * pointer, another class's object) is refused, counted and never listed
 * twice. Freed objects' memory is never written.
 *
 * Spans with free slots sit on a list per class, partly used ones first so
 * they fill up; one fully free span per class is kept there to avoid
 * span churn, further ones go back to span.c. Records come from mmap'd
 * chunks (no libc malloc) and are reused, never unmapped.
 *
 * Lock order: a class lock, then span.c's lock (taken inside span calls).
 * The atfork hooks take every class lock in ascending order, then span's.
 */
#define _GNU_SOURCE /* PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "alloc.h"

#define MAX_CLASSES 64
#define KEEP_EMPTY_SPANS 1
#define RECORD_CHUNK ((size_t)64 * 1024)

struct span_rec {
    char *start;
    void **owner_word;             /* where span.c keeps our pointer to this record */
    struct span_rec *prev, *next;  /* the class's list of spans with free slots */
    struct span_rec *spare_next;   /* when unused */
    uint32_t used;                 /* slots handed out */
    uint32_t hint;                 /* no clear bit in bitmap words before this */
    int listed;
    uint64_t bitmap[];             /* set: handed out, or past the last slot */
};

struct central_class {
    pthread_mutex_t lock;
    struct span_rec *head, *tail; /* spans with free slots; fully free ones at the tail */
    struct span_rec *spare;       /* unused records */
    int empty_spans;              /* listed spans with no slot handed out */
    int64_t outstanding;
    size_t size, span_bytes;
    uint32_t objects, words;      /* slots per span, bitmap words */
    size_t rec_bytes;
    int no_span;                  /* the last new span failed, with spans_freed at no_span_at: the arena is full */
    uint64_t no_span_at;
};

static struct central_class central[MAX_CLASSES] = {
    [0 ... MAX_CLASSES - 1] = { .lock = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP },
};
static int central_count;
static pthread_once_t central_once = PTHREAD_ONCE_INIT;
static _Atomic int64_t refused_frees;

static void init_classes(void)
{
    central_count = _rseqagent_class_count();
    if (central_count > MAX_CLASSES) /* size_class.c keeps fewer; stay in bounds regardless */
        central_count = MAX_CLASSES;
    for (int cls = 0; cls < central_count; cls++) {
        struct central_class *c = &central[cls];
        c->size = _rseqagent_class_size(cls);
        c->span_bytes = _rseqagent_class_span_pages(cls) * RSEQAGENT_PAGE;
        c->objects = (uint32_t)(c->span_bytes / c->size);
        c->words = (c->objects + 63) / 64;
        c->rec_bytes = (sizeof(struct span_rec) + c->words * sizeof(uint64_t) + 15) & ~(size_t)15;
    }
}

static struct central_class *class_of(int cls)
{
    pthread_once(&central_once, init_classes);
    return cls >= 0 && cls < central_count ? &central[cls] : NULL;
}

/* ---- records (class lock held) ------------------------------------------- */

static struct span_rec *record_get(struct central_class *c)
{
    if (!c->spare) {
        size_t bytes = c->rec_bytes > RECORD_CHUNK ? c->rec_bytes : RECORD_CHUNK;
        char *chunk = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (chunk == MAP_FAILED)
            return NULL;
        for (size_t off = 0; off + c->rec_bytes <= bytes; off += c->rec_bytes) {
            struct span_rec *r = (struct span_rec *)(chunk + off);
            r->spare_next = c->spare;
            c->spare = r;
        }
    }
    struct span_rec *r = c->spare;
    c->spare = r->spare_next;
    return r;
}

static void record_put(struct central_class *c, struct span_rec *r)
{
    r->spare_next = c->spare;
    c->spare = r;
}

/* ---- the list of spans with free slots --------------------------------------- */

static void unlink_span(struct central_class *c, struct span_rec *r)
{
    *(r->prev ? &r->prev->next : &c->head) = r->next;
    *(r->next ? &r->next->prev : &c->tail) = r->prev;
    r->listed = 0;
}

static void link_head(struct central_class *c, struct span_rec *r)
{
    r->prev = NULL;
    r->next = c->head;
    *(c->head ? &c->head->prev : &c->tail) = r;
    c->head = r;
    r->listed = 1;
}

static void link_tail(struct central_class *c, struct span_rec *r)
{
    r->next = NULL;
    r->prev = c->tail;
    *(c->tail ? &c->tail->next : &c->head) = r;
    c->tail = r;
    r->listed = 1;
}

/* ---- spans ----------------------------------------------------------------- */

/* A fresh span of cls with its record, listed at the tail; NULL when out of memory. */
static struct span_rec *new_span(struct central_class *c, int cls)
{
    struct span_rec *r = record_get(c);
    if (!r)
        return NULL;
    char *start = _rseqagent_span_alloc(c->span_bytes / RSEQAGENT_PAGE, cls);
    void **word = start ? _rseqagent_span_owner_word(start) : NULL;
    if (!word) {
        if (start)
            _rseqagent_span_free(start);
        record_put(c, r);
        return NULL;
    }
    r->start = start;
    r->owner_word = word;
    r->used = 0;
    r->hint = 0;
    memset(r->bitmap, 0, c->words * sizeof(uint64_t));
    if (c->objects % 64) /* slots past the end look handed out: never popped */
        r->bitmap[c->words - 1] = ~(uint64_t)0 << (c->objects % 64);
    *word = r;
    link_tail(c, r);
    c->empty_spans++;
    return r;
}

static void retire_span(struct central_class *c, struct span_rec *r)
{
    unlink_span(c, r);
    *r->owner_word = NULL;
    _rseqagent_span_free(r->start);
    record_put(c, r);
}

/* Up to want objects from r's clear bits into out; unlists r when full. */
static int take_slots(struct central_class *c, struct span_rec *r, void **out, int want)
{
    int got = 0;
    if (r->used == 0)
        c->empty_spans--;
    while (got < want && r->used < c->objects) {
        while (r->bitmap[r->hint] == ~(uint64_t)0)
            r->hint++;
        uint64_t *w = &r->bitmap[r->hint];
        unsigned bit = (unsigned)__builtin_ctzll(~*w);
        *w |= (uint64_t)1 << bit;
        out[got++] = r->start + ((size_t)r->hint * 64 + bit) * c->size;
        r->used++;
    }
    if (r->used == c->objects)
        unlink_span(c, r);
    return got;
}

int _rseqagent_central_pop_batch(int cls, void **out, int n)
{
    struct central_class *c = class_of(cls);
    if (!c || n <= 0)
        return 0;
    int got = 0;
    uint64_t freed = _rseqagent_spans_freed(); /* read first: a span freed from now on is tried */
    pthread_mutex_lock(&c->lock);
    while (got < n) {
        struct span_rec *r = c->head;
        if (!r && !(c->no_span && c->no_span_at == freed)) { /* a full arena fails fast, not through span.c's lock */
            r = new_span(c, cls);
            c->no_span = r == NULL;
            c->no_span_at = freed;
        }
        if (!r)
            break;
        got += take_slots(c, r, out + got, n - got);
    }
    c->outstanding += got;
    pthread_mutex_unlock(&c->lock);
    return got;
}

/*
 * The record of the span holding p and p's slot, or NULL when p is not at a
 * slot boundary of a span of this class. last: the previous pointer's record
 * (spans of this class change only under its lock, which we hold).
 */
static struct span_rec *find_slot(struct central_class *c, int cls, const char *p,
                                  struct span_rec *last, uint32_t *slot)
{
    struct span_rec *r = last;
    if (!r || p < r->start || (size_t)(p - r->start) >= c->span_bytes) {
        struct _rseqagent_span span;
        if (_rseqagent_span_lookup(p, &span) || span.cls != cls)
            return NULL;
        void **word = _rseqagent_span_owner_word(span.start);
        r = word ? *word : NULL;
        if (!r || r->start != span.start)
            return NULL;
    }
    size_t off = (size_t)(p - r->start);
    if (off % c->size || off / c->size >= c->objects)
        return NULL;
    *slot = (uint32_t)(off / c->size);
    return r;
}

/* Clear p's bit; relist, keep or retire its span. 0, or -EINVAL (refused). */
static int give_back(struct central_class *c, int cls, const char *p, struct span_rec **last)
{
    uint32_t slot;
    struct span_rec *r = find_slot(c, cls, p, *last, &slot);
    if (!r || !(r->bitmap[slot / 64] & ((uint64_t)1 << (slot % 64))))
        return -EINVAL;
    uint64_t bit = (uint64_t)1 << (slot % 64);
    r->bitmap[slot / 64] &= ~bit;
    if (slot / 64 < r->hint)
        r->hint = slot / 64;
    r->used--;
    c->outstanding--;
    *last = r;
    if (!r->listed)
        link_head(c, r);
    if (r->used > 0)
        return 0;
    if (c->empty_spans >= KEEP_EMPTY_SPANS) {
        retire_span(c, r);
        *last = NULL;
        return 0;
    }
    unlink_span(c, r); /* fully free: last in line */
    link_tail(c, r);
    c->empty_spans++;
    return 0;
}

int _rseqagent_central_push_batch(int cls, void *const *in, int n)
{
    struct central_class *c = class_of(cls);
    if (!c) {
        if (n > 0)
            atomic_fetch_add_explicit(&refused_frees, n, memory_order_relaxed);
        return -EINVAL;
    }
    int rc = 0, refused = 0;
    struct span_rec *last = NULL;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < n; i++) {
        if (give_back(c, cls, in[i], &last)) {
            refused++;
            rc = -EINVAL;
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (refused)
        atomic_fetch_add_explicit(&refused_frees, refused, memory_order_relaxed);
    return rc;
}

int64_t _rseqagent_central_outstanding(int cls)
{
    struct central_class *c = class_of(cls);
    if (!c)
        return 0;
    pthread_mutex_lock(&c->lock);
    int64_t n = c->outstanding;
    pthread_mutex_unlock(&c->lock);
    return n;
}

int64_t _rseqagent_central_refused_frees(void)
{
    return atomic_load_explicit(&refused_frees, memory_order_relaxed);
}

/* ---- fork ------------------------------------------------------------------- */

/* Only the classes in use: TSan's deadlock detector tracks at most 64 held locks. */
void _rseqagent_central_atfork_prepare(void)
{
    pthread_once(&central_once, init_classes);
    for (int cls = 0; cls < central_count; cls++)
        pthread_mutex_lock(&central[cls].lock);
    _rseqagent_span_atfork_prepare();
}

void _rseqagent_central_atfork_parent(void)
{
    _rseqagent_span_atfork_parent();
    for (int cls = central_count - 1; cls >= 0; cls--)
        pthread_mutex_unlock(&central[cls].lock);
}

void _rseqagent_central_atfork_child(void)
{
    _rseqagent_span_atfork_child();
    for (int cls = central_count - 1; cls >= 0; cls--)
        pthread_mutex_unlock(&central[cls].lock);
}
