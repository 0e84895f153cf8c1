/* test_malloc_api.c — the public allocation API's documented outcomes: zero
 * and absurd sizes, alignment, foreign pointers to libc, double frees,
 * realloc and calloc edges, usable size, fork, and (under ASan) cached
 * blocks poisoned. Run with glibc owning rseq (default tunables). */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc/alloc.h"
#include "rseqagent.h"
#include "tap.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static void sizes(void)
{
    void *z = rseqagent_malloc(0);
    ok(z && rseqagent_owns(z), "malloc(0) is a unique block of ours");
    is_int(rseqagent_usable_size(z), 16, "of usable size 16");
    void *z2 = rseqagent_malloc(0);
    ok(z2 != z, "another malloc(0) is another block");
    rseqagent_free(z);
    rseqagent_free(z2);
    errno = 0;
    ok(rseqagent_malloc(SIZE_MAX) == NULL && errno == ENOMEM, "SIZE_MAX: NULL, ENOMEM");
    errno = 0;
    ok(rseqagent_malloc((size_t)1 << 50) == NULL && errno == ENOMEM, "2^50 bytes: NULL, ENOMEM");
    errno = 0;
    ok(rseqagent_calloc(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM, "calloc overflow: NULL, ENOMEM");
    int aligned = 1;
    for (size_t n = 1; n <= 4096; n <<= 1) {
        void *p = rseqagent_malloc(n);
        aligned &= ((uintptr_t)p % (n < 16 ? 16 : n)) == 0;
        rseqagent_free(p);
    }
    ok(aligned, "powers of two up to 4 KiB are aligned to their size, the rest to 16");
    void *big = rseqagent_malloc(3u << 20);
    ok(big && rseqagent_usable_size(big) >= (3u << 20), "3 MiB: a span of its own");
    rseqagent_free(big);
}

static int64_t refused_frees(void)
{
    int64_t all[RSEQAGENT_ALLOC_STATS];
    rseqagent_alloc_stats(all);
    return all[RSEQAGENT_AS_REFUSED_FREES];
}

static void foreign_and_double(void)
{
    void *libc = malloc(100);
    ok(!rseqagent_owns(libc), "a libc block is not ours");
    ok(rseqagent_usable_size(libc) >= 100, "usable size of a foreign block is libc's");
    rseqagent_free(libc); /* handed to libc free: ASan/valgrind would flag a leak or a bad free */
    char *p = rseqagent_malloc(100);
    ok(!rseqagent_owns(p + 16), "an interior pointer is not a block");
    int64_t refused = refused_frees();
    rseqagent_free(p + 16); /* ignored */
    is_int(refused_frees(), refused + 1, "an interior free is refused and counted");
    rseqagent_free(p);
    char *o = rseqagent_malloc(48);
    struct _rseqagent_span span;
    _rseqagent_span_lookup(o, &span);
    size_t size = _rseqagent_class_size(span.cls);
    char *past = span.start + (span.pages * RSEQAGENT_PAGE) / size * size; /* where one more would start */
    ok(!rseqagent_owns(past), "an offset past the span's last whole object is not a block");
    rseqagent_free(past); /* ignored: never cached, never handed out over the next span */
    is_int(refused_frees(), refused + 2, "... as is one past the span's last object");
    int overlaps = 0;
    for (int i = 0; i < 2000; i++) {
        char *x = rseqagent_malloc(48);
        overlaps += x == past;
    }
    ok(overlaps == 0, "it is never handed out");
    rseqagent_free(o);
    void *q = rseqagent_malloc(300000);
    rseqagent_free(q);
    rseqagent_free(q); /* a double free of a large block: no live span starts there, refused */
    is_int(refused_frees(), refused + 3, "... and a second free of a large block, once");
    void *a = rseqagent_malloc(300000), *b = rseqagent_malloc(300000);
    ok(a && b && a != b, "a double free of a large block is refused: no block handed out twice");
    rseqagent_free(a);
    rseqagent_free(b);
}

static void realloc_calloc(void)
{
    char *p = rseqagent_realloc(NULL, 40);
    ok(p && rseqagent_owns(p), "realloc(NULL, n) allocates");
    memcpy(p, "0123456789012345678901234567890123456789", 40);
    char *same = rseqagent_realloc(p, 44);
    ok(same == p, "a size that still fits keeps the block");
    char *grown = rseqagent_realloc(same, 100000);
    ok(grown && memcmp(grown, "0123456789012345678901234567890123456789", 40) == 0, "growing keeps the data");
    char *shrunk = rseqagent_realloc(grown, 10);
    ok(shrunk && memcmp(shrunk, "0123456789", 10) == 0, "shrinking keeps the head");
    ok(rseqagent_realloc(shrunk, 0) == NULL, "realloc(p, 0) frees and returns NULL");
    char *libc = malloc(10);
    strcpy(libc, "libc");
    char *moved = rseqagent_realloc(libc, 20);
    ok(moved && strcmp(moved, "libc") == 0 && !rseqagent_owns(moved), "realloc of a foreign block is libc's");
    free(moved);
    unsigned char *c = rseqagent_calloc(100, 3);
    int zero = 1;
    for (int i = 0; i < 300; i++)
        zero &= c[i] == 0;
    ok(zero, "calloc zeroes");
    memset(c, 0xff, 300);
    rseqagent_free(c);
    c = rseqagent_calloc(300, 1); /* likely the same block again: still zero */
    zero = 1;
    for (int i = 0; i < 300; i++)
        zero &= c[i] == 0;
    ok(zero, "calloc zeroes a reused block");
    rseqagent_free(c);
}

/* Dirty blocks taken back in rising and in falling address order: calloc
 * zeroes bottom-up or top-down, whole either way, odd sizes included. */
static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;
    return (x > y) - (x < y);
}

/* Frees n dirty blocks so that the last freed, the first taken back, is the
 * highest (falling) or the lowest (rising); then takes n back with calloc. */
static int take_back(unsigned char **b, int n, size_t size, int rising, int *in_order)
{
    qsort(b, (size_t)n, sizeof(*b), by_address);
    for (int i = 0; i < n; i++)
        memset(b[i], 0xa5, size);
    for (int i = 0; i < n; i++)
        rseqagent_free(b[rising ? n - 1 - i : i]);
    int zero = 1;
    *in_order = 0;
    for (int i = 0; i < n; i++) {
        b[i] = rseqagent_calloc(1, size);
        zero &= all_zero(b[i], size);
        *in_order += i > 0 && (rising ? b[i] > b[i - 1] : b[i] < b[i - 1]);
    }
    return zero;
}

static void calloc_in_either_order(void)
{
    enum { N = 64 };
    static const size_t sizes[] = { 4096, 1000, 3000, 1040 };
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t size = sizes[k];
        unsigned char *b[N];
        for (int i = 0; i < N; i++)
            b[i] = rseqagent_malloc(size);
        int falling, rising;
        int zero = take_back(b, N, size, 0, &falling);
        zero &= take_back(b, N, size, 1, &rising);
        for (int i = 0; i < N; i++)
            rseqagent_free(b[i]);
        ok(zero && falling > 0 && rising > 0,
           "calloc(%zu) zeroes whole blocks taken back falling (%d) and rising (%d)", size, falling, rising);
    }
}

/* A refill hands its batch out in rising address order (cache.c): a run of
 * allocations walks memory forward. A size no other test here uses, so its
 * class starts empty; spans may follow each other in any order. */
static void a_run_of_allocations_walks_memory_forward(void)
{
    enum { N = 64 };
    void *b[N];
    int rising = 0;
    for (int i = 0; i < N; i++) {
        b[i] = rseqagent_malloc(6000);
        rising += i > 0 && (char *)b[i] > (char *)b[i - 1];
    }
    for (int i = 0; i < N; i++)
        rseqagent_free(b[i]);
    ok(rising >= N * 3 / 4, "a run of 6000 B allocations walks memory forward (%d of %d steps up)", rising, N - 1);
}

static void forked_child_allocates(void)
{
    void *before = rseqagent_malloc(64);
    pid_t pid = fork();
    if (pid == 0) {
        int fine = 1;
        for (int i = 0; i < 10000; i++) {
            void *x = rseqagent_malloc((size_t)(i % 5000) + 1);
            fine &= x != NULL;
            rseqagent_free(x);
        }
        rseqagent_free(before);
        _exit(fine ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child allocates and frees");
    rseqagent_free(before);
}

/* The fast paths serve only a thread whose mode is decided, and only from the stacks. */
static void fast_paths(void)
{
    void *p = rseqagent_malloc(64); /* decides this thread's mode (rseq: glibc owns it) */
    rseqagent_free(p);
    void *q = rseqagent_malloc_fast(64);
    ok(q != NULL && rseqagent_owns(q), "malloc_fast pops a cached block of ours");
    is_int(rseqagent_free_fast(q), 0, "free_fast pushes it back");
    ok(rseqagent_malloc_fast(RSEQAGENT_MAX_SMALL + 1) == NULL, "a large size is left to rseqagent_malloc");
    void *big = rseqagent_malloc(RSEQAGENT_MAX_SMALL + 1);
    is_int(rseqagent_free_fast(big), 1, "a large block is left to rseqagent_free");
    rseqagent_free(big);
    void *foreign = malloc(32);
    is_int(rseqagent_free_fast(foreign), 1, "a libc block is left to rseqagent_free");
    rseqagent_free(foreign);
    is_int(rseqagent_free_fast(NULL), 0, "free_fast(NULL) does nothing");
    int64_t served = 0;
    for (int i = 0; i < 1000; i++) {
        void *x = rseqagent_malloc_fast(4096);
        if (!x)
            x = rseqagent_malloc(4096);
        else
            served++;
        if (rseqagent_free_fast(x))
            rseqagent_free(x);
    }
    ok(served >= 990, "a warm 4 KiB pair stays on the fast path (%lld of 1000)", (long long)served);
}

static void poisoned_when_cached(void)
{
#if defined(__SANITIZE_ADDRESS__)
    char *p = rseqagent_malloc(64);
    ok(!__asan_address_is_poisoned(p), "a live block is addressable");
    rseqagent_free(p);
    ok(__asan_address_is_poisoned(p), "a cached block is poisoned");
#else
    ok(1, "poisoning is checked in the ASan build");
#endif
}

int main(void)
{
    sizes();
    foreign_and_double();
    realloc_calloc();
    calloc_in_either_order();
    a_run_of_allocations_walks_memory_forward();
    forked_child_allocates();
    fast_paths();
    poisoned_when_cached();
    return tap_done();
}
