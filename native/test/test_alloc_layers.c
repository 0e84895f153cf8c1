/* test_alloc_layers.c — the allocator's lower layers on their own: size
 * classes, arena spans (lookup, coalescing, zeroing, release, exhaustion of
 * a small arena) and the central lists (round trips, refused double and
 * foreign frees, four threads at once, fork). The arena is made small with
 * RSEQAGENT_ARENA_BYTES before the first arena call; forked children check
 * the default reservation first, and what it takes under ulimit -v. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc/alloc.h"
#include "rseqagent.h"
#include "tap.h"

#define ARENA_BYTES ((size_t)256 << 20)
#define ARENA_PAGES (ARENA_BYTES / RSEQAGENT_PAGE)
#define THREADS 4
#define THREAD_ROUNDS 3000
#define HELD_MAX 256

static int is_pow2(size_t v)
{
    return v && !(v & (v - 1));
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
    return x < y ? -1 : x > y;
}

/* 1 when the n pointers are pairwise distinct (sorts them). */
static int all_distinct(void **p, int n)
{
    qsort(p, (size_t)n, sizeof(*p), cmp_ptr);
    for (int i = 1; i < n; i++)
        if (p[i] == p[i - 1])
            return 0;
    return 1;
}

static int maps_to_smallest(size_t size)
{
    int cls = _rseqagent_size_class(size);
    return cls >= 0 && cls < _rseqagent_class_count() && _rseqagent_class_size(cls) >= size &&
           (cls == 0 || _rseqagent_class_size(cls - 1) < size);
}

static void test_size_classes(void)
{
    int n = _rseqagent_class_count();
    ok(n >= 40 && n <= 64, "%d size classes", n);
    is_int(_rseqagent_class_size(0), 16, "first class: 16");
    is_int(_rseqagent_class_size(n - 1), RSEQAGENT_MAX_SMALL, "last class: 256 KiB");
    int mult16 = 1, increasing = 1, spacing = 1, batches = 1, spans = 1, aligned = 1;
    for (int c = 0; c < n; c++) {
        size_t size = _rseqagent_class_size(c), pages = _rseqagent_class_span_pages(c);
        unsigned batch = _rseqagent_class_batch(c);
        mult16 &= size % 16 == 0;
        if (c > 0) {
            size_t prev = _rseqagent_class_size(c - 1);
            increasing &= size > prev;
            spacing &= prev < 128 || size * 4 <= prev * 5; /* at most 25% apart above 128 */
        }
        batches &= batch >= 2 && batch <= 64;
        size_t objects = pages * RSEQAGENT_PAGE / size;
        spans &= pages >= 8 && objects >= 4 && (size > 32768 || objects >= 8);
        if (is_pow2(size) && size <= 4096)
            aligned &= (pages * RSEQAGENT_PAGE) % size == 0;
    }
    ok(mult16, "every class a multiple of 16");
    ok(increasing, "classes strictly increasing");
    ok(spacing, "classes above 128 at most 25%% apart");
    ok(batches, "batches within 2..64");
    ok(spans, "spans: at least 8 pages, 8 objects (4 above 32 KiB)");
    ok(aligned, "power-of-two spans hold whole objects (natural alignment)");
    int pow2 = 1;
    for (size_t size = 16; size <= RSEQAGENT_MAX_SMALL; size *= 2)
        pow2 &= _rseqagent_class_size(_rseqagent_size_class(size)) == size;
    ok(pow2, "every power of two 16..256K is a class");
    int bad = 0;
    for (size_t size = 1; size <= 65536; size++)
        bad += !maps_to_smallest(size);
    is_int(bad, 0, "sizes 1..65536 map to the smallest class that fits");
    bad = 0;
    for (size_t size = 65537; size <= RSEQAGENT_MAX_SMALL; size += 61)
        bad += !maps_to_smallest(size);
    for (int c = 0; c < n; c++) {
        size_t size = _rseqagent_class_size(c);
        bad += !maps_to_smallest(size) + !maps_to_smallest(size - 1);
        if (size < RSEQAGENT_MAX_SMALL)
            bad += !maps_to_smallest(size + 1);
    }
    bad += !maps_to_smallest(RSEQAGENT_MAX_SMALL);
    is_int(bad, 0, "sizes above 64K (stride 61, class edges) map to the smallest class");
}

/* The free path's boundary test against division: every offset of every class's span and past it. */
static void test_class_boundaries(void)
{
    long wrong = 0, checked = 0;
    for (int c = 0; c < _rseqagent_class_count(); c++) {
        size_t size = _rseqagent_class_size(c), objects = _rseqagent_class_span_pages(c) * RSEQAGENT_PAGE / size;
        for (size_t off = 0; off < (objects + 2) * size; off++, checked++)
            wrong += _rseqagent_class_boundary(c, off) != (off % size == 0 && off / size < objects);
        for (int j = 0; j < 40; j++) /* far past the span: multiples of the size and their neighbours */
            for (int d = -1; d <= 1; d++, checked++)
                wrong += _rseqagent_class_boundary(c, objects * size + (size << j) * 3 + (size_t)d);
    }
    ok(checked > 1000000, "%ld offsets checked", checked);
    is_int(wrong, 0, "an object starts at offset exactly when size divides it within the span");
}

/* In a child, before RSEQAGENT_ARENA_BYTES is set: the default reservation. */
static void test_default_arena(void)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        int64_t reserved, committed, in_spans;
        int rc = _rseqagent_arena_init();
        _rseqagent_arena_stats(&reserved, &committed, &in_spans);
        int fine = rc == 0 && reserved >= ((int64_t)1 << 30) && reserved <= ((int64_t)64 << 30) &&
                   is_pow2((size_t)reserved) && committed == 0 && in_spans == 0;
        _exit(fine ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "default arena: 1..64 GiB reserved, nothing committed");
}

/* What the limit counts now: all mapped bytes (RLIMIT_AS) or private writable ones (RLIMIT_DATA); 0 if unknown. */
static size_t counted_now(int resource)
{
    FILE *f = fopen("/proc/self/statm", "re");
    unsigned long long v[6] = { 0 };
    if (!f || fscanf(f, "%llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        v[0] = v[5] = 0;
    if (f)
        fclose(f);
    return (size_t)(resource == RLIMIT_AS ? v[0] : v[5]) * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Child: with headroom bytes left under the limit, the arena is what it
 * expects (-ENOMEM, or a power of two of at least 16 MiB and at most an eighth
 * of the headroom) and the rest stays mappable. Exit 0 if so.
 */
static int limited_arena_child(int resource, size_t headroom, int expect_rc)
{
    struct rlimit lim = { .rlim_cur = counted_now(resource) + headroom, .rlim_max = RLIM_INFINITY };
    if (lim.rlim_cur == headroom || setrlimit(resource, &lim) != 0)
        return 2;
    int bound_by = -1;
    int64_t budget = rseqagent_arena_budget(&bound_by);
    int rc = _rseqagent_arena_init();
    int64_t reserved, committed, in_spans;
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    if (rc != expect_rc)
        return 3;
    if (budget != (rc == 0 ? reserved : 0) ||
        bound_by != (resource == RLIMIT_AS ? RSEQAGENT_ARENA_BY_ADDRESS_SPACE : RSEQAGENT_ARENA_BY_DATA))
        return 6; /* the budget the doctor shows is what was reserved, and names the limit */
    if (rc == 0 && !(is_pow2((size_t)reserved) && reserved >= (16 << 20) && (size_t)reserved <= headroom / 8))
        return 4;
    size_t rest = headroom / 2; /* what the JVM maps after the agent's start: still there */
    void *p = mmap(NULL, rest, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? 5 : 0;
}

static void test_arena_under_limit(int resource, size_t headroom, int expect_rc, const char *what)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
        _exit(limited_arena_child(resource, headroom, expect_rc));
    int status = 0;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s (child exit %d)", what,
       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* A fake /proc for the child: overcommit mode, and 1 GiB of commit charge left of 3 GiB. */
static void fake_proc(const char *dir, const char *mode)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/sys/vm", dir);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "mkdir -p %s", path);
    if (system(cmd) != 0)
        _exit(6);
    snprintf(path, sizeof(path), "%s/sys/vm/overcommit_memory", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        _exit(6);
    fprintf(f, "%s\n", mode);
    fclose(f);
    snprintf(path, sizeof(path), "%s/meminfo", dir);
    f = fopen(path, "w");
    if (!f)
        _exit(6);
    fprintf(f, "MemTotal:        4194304 kB\nCommitLimit:     3145728 kB\nCommitted_AS:    2097152 kB\n");
    fclose(f);
    setenv("RSEQAGENT_TEST_PROC", dir, 1);
}

/* Child: under strict overcommit (mode 2) an eighth of the charge left; in mode 0 the default. Exit 0 if so. */
static int overcommit_child(const char *mode)
{
    char dir[] = "/tmp/rseqagent-proc-XXXXXX";
    if (!mkdtemp(dir))
        return 2;
    fake_proc(dir, mode);
    int bound_by = -1;
    rseqagent_arena_budget(&bound_by);
    int rc = _rseqagent_arena_init();
    int64_t reserved, committed, in_spans;
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0 || rc != 0)
        return 3;
    int strict = mode[0] == '2';
    if (bound_by != (strict ? RSEQAGENT_ARENA_BY_COMMIT : RSEQAGENT_ARENA_UNBOUND))
        return 5;
    return (strict ? reserved <= (128 << 20) && reserved >= (16 << 20) : reserved >= ((int64_t)1 << 30)) ? 0 : 4;
}

static void test_arena_under_overcommit(const char *mode, const char *what)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
        _exit(overcommit_child(mode));
    int status = 0;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s (child exit %d)", what,
       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static int span_is(const void *p, const void *start, size_t pages, int cls)
{
    struct _rseqagent_span s;
    return _rseqagent_span_lookup(p, &s) == 0 && s.start == start && s.pages == pages && s.cls == cls;
}

static int all_zero(const char *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_spans(void)
{
    int64_t reserved, committed, in_spans;
    is_int(_rseqagent_arena_init(), 0, "arena init");
    is_int(_rseqagent_arena_init(), 0, "arena init again");
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    is_int(reserved, ARENA_BYTES, "RSEQAGENT_ARENA_BYTES sets the reservation");

    char *a = _rseqagent_span_alloc(3, -1), *b = _rseqagent_span_alloc(2, 5);
    ok(a && b, "two spans");
    ok(((uintptr_t)a % RSEQAGENT_PAGE) == 0, "page aligned");
    ok(span_is(a, a, 3, -1) && span_is(a + RSEQAGENT_PAGE + 123, a, 3, -1) &&
           span_is(a + 3 * RSEQAGENT_PAGE - 1, a, 3, -1), "lookup: start, interior, last byte");
    ok(span_is(b + RSEQAGENT_PAGE, b, 2, 5), "lookup: class span");
    ok(all_zero(a, 3 * RSEQAGENT_PAGE), "fresh span is zero");
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    is_int(in_spans, 5 * RSEQAGENT_PAGE, "in_spans counts live pages");
    int local;
    void *heap = malloc(64);
    ok(_rseqagent_arena_owns(a) && _rseqagent_arena_owns(b + 100), "owns arena pointers");
    ok(!_rseqagent_arena_owns(&local) && !_rseqagent_arena_owns(heap) && !_rseqagent_arena_owns(NULL),
       "does not own stack, heap or NULL");
    struct _rseqagent_span s;
    is_int(_rseqagent_span_lookup(heap, &s), -ENOENT, "lookup of a heap pointer: -ENOENT");

    memset(a, 0xAA, 3 * RSEQAGENT_PAGE);
    _rseqagent_span_free(a);
    is_int(_rseqagent_span_lookup(a + 10, &s), -ENOENT, "freed span: -ENOENT");
    char *a2 = _rseqagent_span_alloc(3, -1);
    ok(a2 == a, "a freed span is reused");
    ok(all_zero(a2, 3 * RSEQAGENT_PAGE), "reused large span is zero again (memset)");

    int64_t refused = _rseqagent_span_refused_frees();
    _rseqagent_span_free(a2 + RSEQAGENT_PAGE);
    _rseqagent_span_free(heap);
    _rseqagent_span_free(a2 + 16);
    _rseqagent_span_free(a2);
    _rseqagent_span_free(a2);
    is_int(_rseqagent_span_refused_frees() - refused, 4, "interior, foreign, unaligned, double: refused");
    free(heap);

    /* Coalescing: neighbours merge, both ways, in exact and large lists. */
    /* (The 3 pages freed above best-fit anything up to 3 pages: z takes 4.) */
    char *x = _rseqagent_span_alloc(5, -1), *y = _rseqagent_span_alloc(7, -1), *z = _rseqagent_span_alloc(4, -1);
    ok(y == x + 5 * RSEQAGENT_PAGE && z == y + 7 * RSEQAGENT_PAGE, "bump spans are adjacent");
    _rseqagent_span_free(x);
    _rseqagent_span_free(y);
    char *xy = _rseqagent_span_alloc(12, -1);
    ok(xy == x, "two freed neighbours hold a span of their combined size");
    _rseqagent_span_free(z);
    _rseqagent_span_free(xy);
    ok(_rseqagent_span_alloc(16, 0) == x, "free left of a free span merges too");
    _rseqagent_span_free(x);
    char *gx = _rseqagent_span_alloc(16, -1); /* x again: a live left neighbour for l */
    char *l = _rseqagent_span_alloc(200, -1), *m = _rseqagent_span_alloc(300, -1),
         *g = _rseqagent_span_alloc(1, -1);
    _rseqagent_span_free(m);
    _rseqagent_span_free(l);
    char *lm = _rseqagent_span_alloc(500, -1);
    ok(lm == l, "large neighbours coalesce (500 pages)");
    memset(lm, 0x55, 500 * RSEQAGENT_PAGE);
    _rseqagent_span_free(lm);
    lm = _rseqagent_span_alloc(400, -1);
    ok(lm == l && all_zero(lm, 400 * RSEQAGENT_PAGE), "reused big span is zero (madvise path), best fit");
    char *rest = _rseqagent_span_alloc(100, 3);
    ok(rest == l + 400 * RSEQAGENT_PAGE, "the split remainder is reused");
    _rseqagent_span_free(rest);

    /* Release: a span freed during a pass stays committed through it (it may be
     * reused at once); the next pass gives it back to the OS and counts it out. */
    memset(lm, 0x77, 400 * RSEQAGENT_PAGE);
    _rseqagent_span_free(lm);
    int64_t before, after;
    _rseqagent_arena_stats(&reserved, &before, &in_spans);
    is_int(_rseqagent_span_release(), 0, "a span freed during this pass is kept");
    size_t released = _rseqagent_span_release();
    _rseqagent_arena_stats(&reserved, &after, &in_spans);
    ok(released >= 500 * RSEQAGENT_PAGE, "the next pass gives the free spans back (%zu bytes)", released);
    is_int(before - after, released, "committed drops by the bytes released");
    is_int(_rseqagent_span_release(), 0, "nothing left to release");
    char *again = _rseqagent_span_alloc(500, 7);
    ok(again == l && all_zero(again, 500 * RSEQAGENT_PAGE), "released span reused, zero");
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    is_int(committed - after, 500 * RSEQAGENT_PAGE, "reused released pages count as committed");
    _rseqagent_span_free(again);

    /* Reuse before release: the same class keeps its pages (no new faults);
     * another class gets them scrubbed (the old layout's pages would linger).
     * Class 7 again: the free span around comes from `again`, also class 7. */
    char *c7 = _rseqagent_span_alloc(8, 7);
    memset(c7, 0x33, 8 * RSEQAGENT_PAGE);
    _rseqagent_span_free(c7);
    char *c7again = _rseqagent_span_alloc(8, 7);
    ok(c7again == c7 && c7again[0] == 0x33, "reused for the same class: pages kept as they were");
    _rseqagent_span_free(c7again);
    char *c6 = _rseqagent_span_alloc(8, 6);
    ok(c6 == c7 && all_zero(c6, 8 * RSEQAGENT_PAGE), "reused for another class: pages scrubbed");
    _rseqagent_span_free(c6);
    _rseqagent_span_free(g);
    _rseqagent_span_free(gx);
    _rseqagent_span_free(b);
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    is_int(in_spans, 0, "no live spans left");

    /* Exhaustion: fill the arena, fail cleanly, then get it all back in one piece. */
    static void *held[ARENA_PAGES / 256 + 1024];
    int n = 0;
    void *p;
    while ((p = _rseqagent_span_alloc(1024, -1)) != NULL)
        held[n++] = p;
    while ((p = _rseqagent_span_alloc(1, -1)) != NULL && n < (int)(sizeof(held) / sizeof(held[0])))
        held[n++] = p;
    ok(p == NULL, "an exhausted arena returns NULL (%d spans held)", n);
    ok(_rseqagent_span_alloc(ARENA_PAGES + 1, -1) == NULL && _rseqagent_span_alloc(0, -1) == NULL,
       "oversized and empty requests return NULL");
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    is_int(in_spans, ARENA_BYTES, "every page in a live span");
    for (int i = 0; i < n; i++)
        _rseqagent_span_free(held[i]);
    char *whole = _rseqagent_span_alloc(ARENA_PAGES, -1);
    ok(whole && !_rseqagent_arena_owns(whole - 1) && span_is(whole + ARENA_BYTES - 1, whole, ARENA_PAGES, -1),
       "after freeing all, the whole arena is one span again");
    _rseqagent_span_free(whole);
    _rseqagent_span_release();
}

static int in_class_span(void *p, int cls)
{
    struct _rseqagent_span s;
    if (_rseqagent_span_lookup(p, &s) || s.cls != cls)
        return 0;
    size_t size = _rseqagent_class_size(cls), off = (size_t)((char *)p - s.start);
    return off % size == 0 && off + size <= s.pages * RSEQAGENT_PAGE &&
           (!is_pow2(size) || size > 4096 || (uintptr_t)p % size == 0);
}

static void test_central_round_trips(void)
{
    int n = _rseqagent_class_count(), fine = 0, zero = 0;
    void *out[64];
    for (int c = 0; c < n; c++) {
        int want = (int)_rseqagent_class_batch(c);
        int got = _rseqagent_central_pop_batch(c, out, want);
        int good = got == want && _rseqagent_central_outstanding(c) == got;
        for (int i = 0; i < got; i++) {
            good &= in_class_span(out[i], c);
            memset(out[i], 0xEE, _rseqagent_class_size(c));
        }
        good &= _rseqagent_central_push_batch(c, out, got) == 0;
        good &= all_distinct(out, got);
        fine += good;
        zero += _rseqagent_central_outstanding(c) == 0;
    }
    is_int(fine, n, "every class: a batch of distinct, aligned objects in its spans, given back");
    is_int(zero, n, "outstanding back to zero in every class");

    /* More than one span's worth, twice: spans are carved, emptied, reused. */
    int cls = _rseqagent_size_class(4096);
    int per_span = (int)(_rseqagent_class_span_pages(cls) * RSEQAGENT_PAGE / 4096);
    int total = per_span * 5 + 3, good = 1;
    void **many = calloc((size_t)total, sizeof(*many));
    for (int round = 0; round < 2; round++) {
        int got = 0;
        while (got < total) {
            int k = _rseqagent_central_pop_batch(cls, many + got, total - got < 16 ? total - got : 16);
            if (k <= 0)
                break;
            got += k;
        }
        good &= got == total && _rseqagent_central_outstanding(cls) == total;
        for (int i = 0; i < got; i++)
            good &= in_class_span(many[i], cls);
        good &= all_distinct(many, got);
        good &= _rseqagent_central_push_batch(cls, many, got) == 0;
    }
    ok(good, "%d objects of 4 KiB (5+ spans), twice: distinct, aligned", total);
    is_int(_rseqagent_central_outstanding(cls), 0, "... all given back");
    int64_t reserved, committed, in_spans;
    _rseqagent_arena_stats(&reserved, &committed, &in_spans);
    size_t kept = 0;
    for (int c = 0; c < n; c++)
        kept += _rseqagent_class_span_pages(c) * RSEQAGENT_PAGE;
    ok((size_t)in_spans <= kept, "empty spans go back to span.c (one kept per class)");
    free(many);
}

static void test_central_refusals(void)
{
    int a = _rseqagent_size_class(64), b = _rseqagent_size_class(200);
    void *obj[4], *other[1];
    int64_t refused = _rseqagent_central_refused_frees();
    is_int(_rseqagent_central_pop_batch(a, obj, 4), 4, "pop 4 of class 64");
    is_int(_rseqagent_central_pop_batch(b, other, 1), 1, "pop 1 of class 208");
    is_int(_rseqagent_central_push_batch(a, obj, 1), 0, "free one");
    is_int(_rseqagent_central_push_batch(a, obj, 1), -EINVAL, "double free refused");
    void *heap = malloc(64);
    void *bad[] = { heap, (char *)obj[1] + 16, other[0], NULL, (char *)obj[1] + 8 };
    for (int i = 0; i < 5; i++)
        is_int(_rseqagent_central_push_batch(a, &bad[i], 1), -EINVAL, "foreign pointer %d refused", i);
    free(heap);
    char *large = _rseqagent_span_alloc(2, -1);
    char *fake = _rseqagent_span_alloc(_rseqagent_class_span_pages(a), a);
    void *spans[] = { large, fake };
    is_int(_rseqagent_central_push_batch(a, spans, 2), -EINVAL, "a large span and a span central did not carve: refused");
    _rseqagent_span_free(large);
    _rseqagent_span_free(fake);
    is_int(_rseqagent_central_outstanding(a), 3, "refusals left outstanding alone");
    void *mixed[] = { obj[1], obj[1], obj[2] };
    is_int(_rseqagent_central_push_batch(a, mixed, 3), -EINVAL, "a batch with a repeat: -EINVAL");
    is_int(_rseqagent_central_outstanding(a), 1, "... its good objects were taken");
    is_int(_rseqagent_central_refused_frees() - refused, 9, "every refusal counted");
    is_int(_rseqagent_central_push_batch(a, &obj[3], 1), 0, "last one back");
    is_int(_rseqagent_central_push_batch(b, other, 1), 0, "the other class's object goes to its class");
    is_int(_rseqagent_central_push_batch(-1, other, 1), -EINVAL, "no such class: -EINVAL");

    /* Nothing entered a list twice: pop well past a span's worth, all distinct. */
    int total = (int)(_rseqagent_class_span_pages(a) * RSEQAGENT_PAGE / 64) * 3;
    void **many = calloc((size_t)total, sizeof(*many));
    int got = 0, k;
    while (got < total && (k = _rseqagent_central_pop_batch(a, many + got, total - got < 32 ? total - got : 32)) > 0)
        got += k;
    is_int(got, total, "pop %d objects of class 64", total);
    ok(all_distinct(many, got), "... none twice");
    is_int(_rseqagent_central_push_batch(a, many, got), 0, "... all given back");
    is_int(_rseqagent_central_outstanding(a), 0, "outstanding zero");
    free(many);
}

struct worker {
    unsigned seed;
    int failures;
};

/* Pops and pushes random batches, holding some; tags each object it holds. */
static void *worker_main(void *arg)
{
    struct worker *w = arg;
    void *held[HELD_MAX];
    int held_cls[HELD_MAX], nheld = 0, classes = _rseqagent_class_count();
    for (int round = 0; round < THREAD_ROUNDS; round++) {
        int cls = (int)(rand_r(&w->seed) % (unsigned)(classes < 20 ? classes : 20));
        if (round % 97 == 0)
            cls = (int)(rand_r(&w->seed) % (unsigned)classes);
        int n = 1 + (int)(rand_r(&w->seed) % _rseqagent_class_batch(cls));
        if (nheld + n > HELD_MAX) {
            for (int i = 0; i < nheld; i++) {
                w->failures += *(uintptr_t *)held[i] != ((uintptr_t)held[i] ^ (uintptr_t)w);
                w->failures += _rseqagent_central_push_batch(held_cls[i], &held[i], 1) != 0;
            }
            nheld = 0;
        }
        void *batch[64];
        int got = _rseqagent_central_pop_batch(cls, batch, n);
        w->failures += got != n;
        for (int i = 0; i < got; i++)
            *(uintptr_t *)batch[i] = (uintptr_t)batch[i] ^ (uintptr_t)w;
        if (round % 2) {
            w->failures += _rseqagent_central_push_batch(cls, batch, got) != 0;
        } else {
            for (int i = 0; i < got; i++) {
                held[nheld] = batch[i];
                held_cls[nheld++] = cls;
            }
        }
    }
    for (int i = 0; i < nheld; i++) {
        w->failures += *(uintptr_t *)held[i] != ((uintptr_t)held[i] ^ (uintptr_t)w);
        w->failures += _rseqagent_central_push_batch(held_cls[i], &held[i], 1) != 0;
    }
    return NULL;
}

static void test_central_threads(void)
{
    pthread_t t[THREADS];
    struct worker w[THREADS];
    int64_t refused = _rseqagent_central_refused_frees();
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){ .seed = 1234u + (unsigned)i, .failures = 0 };
        pthread_create(&t[i], NULL, worker_main, &w[i]);
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        failures += w[i].failures;
    }
    is_int(failures, 0, "%d threads x %d rounds: no failed pop, refused push or clobbered tag",
           THREADS, THREAD_ROUNDS);
    int64_t outstanding = 0;
    for (int c = 0; c < _rseqagent_class_count(); c++)
        outstanding += _rseqagent_central_outstanding(c);
    is_int(outstanding, 0, "outstanding zero in every class");
    is_int(_rseqagent_central_refused_frees(), refused, "no refusals");
}

/* With the arena full, pops return what the kept spans hold, then 0. */
static void test_central_exhaustion(void)
{
    static void *fill[ARENA_PAGES / 64 + 64];
    int nfill = 0;
    size_t chunk = 64;
    void *p;
    while (chunk > 0 && nfill < (int)(sizeof(fill) / sizeof(fill[0]))) {
        if ((p = _rseqagent_span_alloc(chunk, -1)) != NULL)
            fill[nfill++] = p;
        else
            chunk /= 2;
    }
    int cls = _rseqagent_size_class(8192);
    size_t per_span = _rseqagent_class_span_pages(cls) * RSEQAGENT_PAGE / 8192;
    void *got[64];
    int n = 0, k;
    while (n < 64 && (k = _rseqagent_central_pop_batch(cls, got + n, 64 - n)) > 0)
        n += k;
    ok(chunk == 0 && (size_t)n <= per_span, "full arena: pops stop at 0 after the kept span (%d objects)", n);
    is_int(_rseqagent_central_pop_batch(cls, got + n, 1), 0, "and again, failing fast while no span is freed");
    uint64_t freed = _rseqagent_spans_freed();
    is_int(_rseqagent_central_outstanding(cls), n, "outstanding counts only what was handed out");
    is_int(_rseqagent_central_push_batch(cls, got, n), 0, "given back");
    for (int i = 0; i < nfill; i++)
        _rseqagent_span_free(fill[i]);
    ok(_rseqagent_spans_freed() >= freed + (uint64_t)nfill, "every span freed is counted");
    is_int(_rseqagent_central_pop_batch(cls, got, 2), 2, "room again after the arena drains");
    is_int(_rseqagent_central_push_batch(cls, got, 2), 0, "... and back");
}

static void test_central_fork(void)
{
    int cls = _rseqagent_size_class(100);
    void *p[8];
    is_int(_rseqagent_central_pop_batch(cls, p, 8), 8, "pop before fork");
    fflush(stdout);
    _rseqagent_central_atfork_prepare();
    pid_t child = fork();
    if (child == 0) {
        _rseqagent_central_atfork_child();
        void *q[8];
        int fine = _rseqagent_central_pop_batch(cls, q, 8) == 8 &&
                   _rseqagent_central_push_batch(cls, q, 8) == 0 &&
                   _rseqagent_central_push_batch(cls, p, 8) == 0 &&
                   _rseqagent_central_outstanding(cls) == 0 && _rseqagent_span_alloc(1, -1) != NULL;
        _exit(fine ? 0 : 1);
    }
    _rseqagent_central_atfork_parent();
    int status = 0;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child after the atfork hooks: lists usable, state inherited");
    is_int(_rseqagent_central_push_batch(cls, p, 8), 0, "parent unaffected");
}

int main(void)
{
    test_size_classes();
    test_class_boundaries();
    test_default_arena();
    test_arena_under_limit(RLIMIT_AS, (size_t)1 << 30, 0,
                           "ulimit -v, 1 GiB left: an arena of at most 128 MiB, the rest left to the process");
    test_arena_under_limit(RLIMIT_AS, (size_t)64 << 20, -ENOMEM,
                           "ulimit -v, 64 MiB left: no arena rather than one the process needs");
    test_arena_under_limit(RLIMIT_DATA, (size_t)1 << 30, 0,
                           "ulimit -d, 1 GiB left: an arena of at most 128 MiB, the rest left to the process");
    test_arena_under_overcommit("2", "strict overcommit, 1 GiB of commit charge left: an arena of at most 128 MiB");
    test_arena_under_overcommit("0", "heuristic overcommit: the default arena, whatever the charge");
    char bytes[32];
    snprintf(bytes, sizeof(bytes), "%zu", ARENA_BYTES);
    setenv("RSEQAGENT_ARENA_BYTES", bytes, 1);
    test_spans();
    test_central_round_trips();
    test_central_refusals();
    test_central_threads();
    test_central_exhaustion();
    test_central_fork();
    return tap_done();
}
