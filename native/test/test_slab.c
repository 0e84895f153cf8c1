/* test_slab.c — per-CPU slab mechanics on glibc's registration (default
 * tunables): first-use initialisation, LIFO push/pop bounded by capacity,
 * untouched regions of a 256-CPU reservation stay uncommitted, and critical
 * sections really abort under preemption and signals (argv[1] = "aborts"
 * runs with a delay injected between load and commit). */
#include "probe_util.h"
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>
#include "internal.h"
#include "percpu/slab.h"
#include "tap.h"

#define CLASSES 3

static const uint16_t capacity[CLASSES] = { 4, 100, 1 };

static void *rseq_area_of_this_thread(void)
{
    struct probe p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    return (void *)(uintptr_t)p.r[RSEQAGENT_R_AREA];
}

/* Retry aborted sequences: this test is about outcomes, not about aborts. */
static int pop(struct _rseqagent_slab *s, void *area, int cls, void **item)
{
    const uint32_t *idx = (const uint32_t *)((char *)area + 4);
    int rc;
    while ((rc = _rseqagent_slab_pop(s, area, idx, cls, item)) < 0)
        ;
    return rc;
}

static int push(struct _rseqagent_slab *s, void *area, int cls, void *item)
{
    const uint32_t *idx = (const uint32_t *)((char *)area + 4);
    int rc;
    while ((rc = _rseqagent_slab_push(s, area, idx, cls, item)) < 0)
        ;
    return rc;
}

static void pin_to_cpu0(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof(set), &set);
}

static void basics(void)
{
    struct _rseqagent_slab s;
    is_int(_rseqagent_slab_init(&s, 256, CLASSES, capacity), 0, "reserve 256 CPUs");
    void *area = rseq_area_of_this_thread();
    ok(area != NULL, "glibc's area");
    const uint32_t *idx = (const uint32_t *)((char *)area + 4);
    void *item;
    is_int(pop(&s, area, 1, &item), 1, "an untouched region pops empty");
    is_int(push(&s, area, 1, &item), 1, "and pushes full");
    int rc;
    while ((rc = _rseqagent_slab_init_current(&s, area, idx, capacity)) < 0)
        ;
    is_int(rc, 0, "first use initialises the current CPU's region");
    is_int(_rseqagent_slab_init_current(&s, area, idx, capacity) >= 0, 1, "and again is harmless");
    int pushed = 0;
    for (uintptr_t i = 1; i <= 10; i++)
        pushed += push(&s, area, 0, (void *)(i * 16)) == 0;
    is_int(pushed, 4, "class 0 holds its capacity (4), no more");
    void *got[4];
    for (int i = 0; i < 4; i++)
        pop(&s, area, 0, &got[i]);
    ok(got[0] == (void *)64 && got[3] == (void *)16, "LIFO");
    is_int(pop(&s, area, 0, &item), 1, "then empty");
    is_int(push(&s, area, 2, (void *)0x1230), 0, "class 2 takes one");
    is_int(push(&s, area, 2, (void *)0x4560), 1, "class 2 is then full: classes do not overlap");
    is_int(pop(&s, area, 1, &item), 1, "class 1 untouched by the others");
    ok(_rseqagent_slab_committed(&s) <= 2 * RSEQAGENT_SLAB_REGION_BYTES, "of 256 regions only this CPU's are committed (%zu bytes)",
       _rseqagent_slab_committed(&s));
}

static volatile sig_atomic_t ticks;
static void on_tick(int sig)
{
    (void)sig;
    ticks++;
}

/* With a delay between load and commit and a 50 us timer, sequences must abort. */
static void aborts(void)
{
    struct _rseqagent_slab s;
    _rseqagent_slab_init(&s, _rseqagent_cpu_index_count(), CLASSES, capacity);
    void *area = rseq_area_of_this_thread();
    const uint32_t *idx = (const uint32_t *)((char *)area + 4);
    while (_rseqagent_slab_init_current(&s, area, idx, capacity) < 0)
        ;
    signal(SIGALRM, on_tick);
    struct itimerval every = { { 0, 50 }, { 0, 50 } };
    setitimer(ITIMER_REAL, &every, NULL);
    long aborted = 0, done = 0;
    for (int i = 0; i < 200000; i++) {
        void *item;
        int rc = _rseqagent_slab_push(&s, area, idx, 1, (void *)16);
        aborted += rc < 0;
        rc = _rseqagent_slab_pop(&s, area, idx, 1, &item);
        aborted += rc < 0;
        done++;
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    /* Under TSan signals wait for a safe point, so preemption alone must do there. */
    printf("# timer signals delivered: %d\n", (int)ticks);
    ok(aborted > 10, "critical sections aborted %ld times in %ld rounds", aborted, done);
}

int main(int argc, char **argv)
{
    is_int(rseqagent_init(), 0, "init");
    pin_to_cpu0();
    if (argc > 1 && strcmp(argv[1], "aborts") == 0)
        aborts();
    else
        basics();
    return tap_done();
}
