/*
 * size_class.c — maps request sizes (0 < size <= RSEQAGENT_MAX_SMALL) to size
 * classes and gives each class its transfer batch and span length.
 *
 * Spacing (tcmalloc/jemalloc style): 16, 32, ... 128 in steps of 16, then four
 * classes per power of two, (2^k, 2^(k+1)] in steps of 2^(k-2), up to 256 KiB;
 * 52 classes in all. Every power of two is a class, and a span's bytes are a
 * multiple of a power-of-two class's size up to 4 KiB, so objects carved
 * from the (page aligned) span start are naturally aligned.
 *
 * The table is built once (pthread_once), at load (a constructor). Lookup:
 * a byte table indexed by (size + 15) >> 4 up to 1 KiB, another by
 * (size + 127) >> 7 above (classes there are at least 256 bytes apart, so
 * no 128-byte step straddles two).
 * Both, and each class's odd-part inverse for the division-free "is this
 * offset an object boundary?", are read inline on the fast path (alloc.h).
 */
#include <pthread.h>
#include <string.h>

#include "alloc.h"

#define TINY_STEP 16u
#define TINY_LIMIT 128u                 /* classes up to here are 16 apart */
#define CLASSES_PER_DOUBLING 4u
#define LOOKUP_LIMIT 1024u              /* sizes up to here use the byte table */
#define MAX_CLASSES 64
#define BATCH_BYTES ((size_t)64 * 1024) /* about this much per transfer */
#define BATCH_MAX 32u
#define BATCH_MIN 2u
#define SPAN_MIN_PAGES 8u
#define SPAN_MIN_OBJECTS 8u
#define HUGE_CLASS ((size_t)32 * 1024)  /* above: spans of a few objects */
#define HUGE_SPAN_OBJECTS 4u

struct size_class {
    size_t size;
    size_t span_pages;
    unsigned batch;
};

static struct size_class classes[MAX_CLASSES];
static int class_count;
static unsigned char small_lookup[LOOKUP_LIMIT / TINY_STEP + 1];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

unsigned char _rseqagent_class_tiny[LOOKUP_LIMIT / TINY_STEP + 1];
unsigned char _rseqagent_class_mid[RSEQAGENT_MAX_SMALL / RSEQAGENT_CLASS_MID_STEP + 1];
struct _rseqagent_class_fast _rseqagent_class_fast[MAX_CLASSES];

static unsigned batch_for(size_t size)
{
    size_t n = BATCH_BYTES / size;
    if (n > BATCH_MAX)
        n = BATCH_MAX;
    if (n < BATCH_MIN)
        n = BATCH_MIN;
    return (unsigned)n;
}

/* Room for a batch (and at least 8 objects), or 8 pages if that is more;
 * classes above 32 KiB get spans of four objects (160 KiB .. 1 MiB). */
static size_t span_pages_for(size_t size, unsigned batch)
{
    size_t objects = batch > SPAN_MIN_OBJECTS ? batch : SPAN_MIN_OBJECTS;
    if (size > HUGE_CLASS)
        objects = HUGE_SPAN_OBJECTS;
    size_t pages = (objects * size + RSEQAGENT_PAGE - 1) / RSEQAGENT_PAGE;
    return pages < SPAN_MIN_PAGES ? SPAN_MIN_PAGES : pages;
}

static void add_class(size_t size)
{
    struct size_class *c = &classes[class_count++];
    c->size = size;
    c->batch = batch_for(size);
    c->span_pages = span_pages_for(size, c->batch);
}

/* pre: odd is odd. Newton's iteration doubles the correct low bits: 3, 6, ... 96. */
static uint64_t odd_inverse(uint64_t odd)
{
    uint64_t x = odd;
    for (int i = 0; i < 5; i++)
        x *= 2 - odd * x;
    return x;
}

/* Inline lookups' tables (alloc.h); published last, with release. */
static void build_fast_tables(void)
{
    memcpy(_rseqagent_class_tiny, small_lookup, sizeof(small_lookup));
    int cls = 0;
    for (size_t i = 0; i < sizeof(_rseqagent_class_mid); i++) {
        while (classes[cls].size < i * RSEQAGENT_CLASS_MID_STEP)
            cls++;
        _rseqagent_class_mid[i] = (unsigned char)cls;
    }
    for (int c = 0; c < class_count; c++) {
        size_t size = classes[c].size;
        unsigned shift = (unsigned)__builtin_ctzll(size);
        _rseqagent_class_fast[c].odd_inverse = odd_inverse(size >> shift);
        _rseqagent_class_fast[c].shift = shift;
        _rseqagent_class_fast[c].objects = (uint32_t)(classes[c].span_pages * RSEQAGENT_PAGE / size);
    }
}

static void build_table(void)
{
    for (size_t size = TINY_STEP; size <= TINY_LIMIT; size += TINY_STEP)
        add_class(size);
    for (size_t base = TINY_LIMIT; base < RSEQAGENT_MAX_SMALL; base *= 2)
        for (size_t i = 1; i <= CLASSES_PER_DOUBLING; i++)
            add_class(base + i * (base / CLASSES_PER_DOUBLING));
    int cls = 0;
    for (size_t i = 1; i < sizeof(small_lookup); i++) {
        while (classes[cls].size < i * TINY_STEP)
            cls++;
        small_lookup[i] = (unsigned char)cls;
    }
    build_fast_tables();
}

static inline void ensure_table(void)
{
    pthread_once(&table_once, build_table);
}

/* At load, before anyone can call the fast paths, which read the tables unchecked. */
__attribute__((constructor)) static void build_table_at_load(void)
{
    ensure_table();
}

int _rseqagent_class_count(void)
{
    ensure_table();
    return class_count;
}

int _rseqagent_size_class(size_t size)
{
    ensure_table();
    if (size <= LOOKUP_LIMIT)
        return small_lookup[(size + TINY_STEP - 1) / TINY_STEP];
    int lo = small_lookup[LOOKUP_LIMIT / TINY_STEP] + 1, hi = class_count - 1;
    while (lo < hi) { /* smallest class with size >= size */
        int mid = lo + (hi - lo) / 2;
        if (classes[mid].size >= size)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

size_t _rseqagent_class_size(int cls)
{
    ensure_table();
    return classes[cls].size;
}

unsigned _rseqagent_class_batch(int cls)
{
    ensure_table();
    return classes[cls].batch;
}

size_t _rseqagent_class_span_pages(int cls)
{
    ensure_table();
    return classes[cls].span_pages;
}
