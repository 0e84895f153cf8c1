/*
 * alloc_bench.c — rseq-agent's allocator against glibc malloc/free, in one
 * run, same workloads, interleaved. Prints a Markdown table of ns per
 * operation (median of REPS runs) and ratios (ours / glibc's).
 *
 * Workloads: alloc+free pairs of 64 B and 4 KiB on 1 and 2 threads; a
 * producer/consumer pair pinned to two CPUs (one thread allocates, the
 * other frees, through a ring); and the floor: a bare per-CPU push+pop on the slab, no allocator.
 * Peak RSS after 256 threads churn random sizes is measured by rss_churn.c
 * in a process of its own per allocator.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>

#include "internal.h"
#include "percpu/slab.h"
#include "rseqagent.h"

#define REPS 21
#define PAIRS 3000000L
#define RING 1024

struct allocator {
    const char *name;
    void *(*alloc)(size_t);
    void (*release)(void *);
};

static const struct allocator glibc = { "glibc", malloc, free };
static const struct allocator ours = { "rseq-agent", rseqagent_malloc, rseqagent_free };

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

struct pair_args {
    const struct allocator *a;
    size_t size;
    long n;
};

static void *pairs(void *arg)
{
    struct pair_args *p = arg;
    for (long i = 0; i < p->n; i++) {
        void *x = p->a->alloc(p->size);
        *(volatile char *)x = 1;
        p->a->release(x);
    }
    return NULL;
}

/* ns per alloc+free pair, each of `threads` threads doing PAIRS pairs. */
static double run_pairs(const struct allocator *a, size_t size, int threads)
{
    pthread_t t[2];
    struct pair_args args = { a, size, PAIRS };
    double start = now_ns();
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, pairs, &args);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    return (now_ns() - start) / PAIRS;
}

/* ---- producer/consumer ------------------------------------------------- */

struct ring {
    _Atomic(void *) slot[RING];
    const struct allocator *a;
    long n;
};

/* Producer and consumer on different CPUs: every block crosses CPUs, and runs are comparable. */
static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
    sched_setaffinity(0, sizeof(set), &set);
}

static void *producer(void *arg)
{
    struct ring *r = arg;
    pin(0);
    for (long i = 0; i < r->n; i++) {
        void *x = r->a->alloc(64);
        *(volatile char *)x = 1;
        _Atomic(void *) *s = &r->slot[i % RING];
        while (atomic_load_explicit(s, memory_order_acquire))
            ;
        atomic_store_explicit(s, x, memory_order_release);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    struct ring *r = arg;
    pin(1);
    for (long i = 0; i < r->n; i++) {
        _Atomic(void *) *s = &r->slot[i % RING];
        void *x;
        while (!(x = atomic_load_explicit(s, memory_order_acquire)))
            ;
        atomic_store_explicit(s, NULL, memory_order_release);
        r->a->release(x);
    }
    return NULL;
}

/* Blocks per microsecond through the pair. */
static double run_producer_consumer(const struct allocator *a)
{
    static struct ring r;
    memset(&r, 0, sizeof(r));
    r.a = a;
    r.n = PAIRS;
    pthread_t p, c;
    double start = now_ns();
    pthread_create(&p, NULL, producer, &r);
    pthread_create(&c, NULL, consumer, &r);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return PAIRS / ((now_ns() - start) / 1e3);
}

/* ---- the floor: one push + one pop on the slab -------------------------- */

static double run_floor(void)
{
    static const uint16_t capacity[1] = { 64 };
    struct _rseqagent_slab s;
    int64_t report[RSEQAGENT_REPORT_FIELDS];
    rseqagent_thread_probe(report, RSEQAGENT_PROBE_ACQUIRE);
    void *area = (void *)(uintptr_t)report[RSEQAGENT_R_AREA];
    const uint32_t *idx = (const uint32_t *)((char *)area + _rseqagent_cpu_index_offset());
    _rseqagent_slab_init(&s, _rseqagent_cpu_index_count(), 1, capacity);
    while (_rseqagent_slab_init_current(&s, area, idx, capacity) < 0)
        ;
    void *item = &s;
    double start = now_ns();
    for (long i = 0; i < PAIRS; i++) {
        _rseqagent_slab_push(&s, area, idx, 0, item);
        _rseqagent_slab_pop(&s, area, idx, 0, &item);
    }
    return (now_ns() - start) / PAIRS;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v)
{
    qsort(v, REPS, sizeof(double), cmp);
    return v[REPS / 2];
}

static void row(const char *what, const char *unit, double g, double o, const char *target)
{
    printf("| %s | %.2f %s | %.2f %s | %.2fx | %s |\n", what, g, unit, o, unit, o / g, target);
}

int main(void)
{
    double g[REPS], o[REPS], f[REPS];
    printf("| workload | glibc | rseq-agent | ratio (ours / glibc) | target |\n| --- | --- | --- | --- | --- |\n");
    struct { size_t size; int threads; const char *label; const char *target; } cases[] = {
        { 64, 1, "64 B alloc+free, 1 thread", "<= 0.7x" },
        { 64, 2, "64 B alloc+free, 2 threads", "<= 0.7x" },
        { 4096, 1, "4 KiB alloc+free, 1 thread", "<= 0.3x" },
        { 4096, 2, "4 KiB alloc+free, 2 threads", "<= 0.3x" },
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        for (int r = 0; r < REPS; r++) {
            g[r] = run_pairs(&glibc, cases[c].size, cases[c].threads);
            o[r] = run_pairs(&ours, cases[c].size, cases[c].threads);
        }
        row(cases[c].label, "ns", median(g), median(o), cases[c].target);
    }
    for (int r = 0; r < REPS; r++) {
        g[r] = run_producer_consumer(&glibc);
        o[r] = run_producer_consumer(&ours);
    }
    row("producer/consumer 64 B (throughput)", "blocks/us", median(g), median(o), ">= 1.5x");
    for (int r = 0; r < REPS; r++)
        f[r] = run_floor();
    printf("| floor: bare per-CPU push+pop | | %.2f ns | | |\n", median(f));
    return 0;
}
