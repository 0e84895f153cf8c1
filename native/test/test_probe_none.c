/* test_probe_none.c — nobody owns rseq (GLIBC_TUNABLES=glibc.pthread.rseq=0):
 * looking must not take; the shim registers only on ACQUIRE, gives back on
 * RELEASE and at thread exit, and a destructor running after ours takes the
 * fallback without re-registering; the allocator's first call registers and
 * queues that transition, but not on a thread that was handed back; leaving
 * the JVM gives the area back and the allocator takes the thread again. */
#include "probe_util.h"
#include <pthread.h>
#include <unistd.h>
#include "internal.h"
#include "tap.h"

#define THREADS 8

struct thread_result {
    struct probe first, acquired, late;
};

static pthread_key_t late_key;

/* Runs after the shim's destructor (created later, so a higher key index). */
static void late_destructor(void *arg)
{
    struct thread_result *out = arg;
    out->late = probe_now(RSEQAGENT_PROBE_ACQUIRE);
}

static void *acquiring_thread(void *arg)
{
    struct thread_result *out = arg;
    out->first = probe_now(0);
    out->acquired = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    pthread_setspecific(late_key, out);
    return NULL;
}

static int drain_exit_events(int64_t want_from_owner)
{
    int64_t buf[THREADS * 2 * RSEQAGENT_REPORT_FIELDS];
    int seen = 0, n;
    while ((n = rseqagent_events_drain(buf, THREADS * 2, 200)) > 0)
        for (int i = 0; i < n; i++) {
            int64_t *e = buf + i * RSEQAGENT_REPORT_FIELDS;
            if (e[RSEQAGENT_R_KIND] == RSEQAGENT_EVENT_THREAD_EXIT &&
                e[RSEQAGENT_R_FROM_OWNER] == want_from_owner && e[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_NONE)
                seen++;
        }
    return seen;
}

static int64_t fallback_ops(void)
{
    int64_t all[RSEQAGENT_ALLOC_STATS];
    rseqagent_alloc_stats(all);
    return all[RSEQAGENT_AS_FALLBACK_OPS];
}

/*
 * After a RELEASE the allocator keeps off the thread (its fallback) so that a
 * library can register there; an explicit ACQUIRE takes it again.
 */
static void handed_back_stays_free(void)
{
    int64_t fallback_before = fallback_ops();
    void *block = rseqagent_malloc(64);
    ok(block != NULL && !kernel_registered(), "after a release the allocator does not register again");
    ok(fallback_ops() > fallback_before, "... it takes the fallback");
    rseqagent_free(block);
    struct probe p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "... and the thread stays NONE");
    p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_SHIM, "an explicit acquire takes it again");
    p = probe_now(RSEQAGENT_PROBE_RELEASE);
    ok(!kernel_registered(), "and a release gives it back again");
}

/* The allocator's own acquire is a transition no probe reports: it is queued (a thread never handed back). */
static void *first_allocation(void *arg)
{
    (void)arg;
    probe_now(0); /* first sight, as the JVM's thread-start hook gives it */
    void *block = rseqagent_malloc(64);
    int64_t ev[4 * RSEQAGENT_REPORT_FIELDS];
    int n = rseqagent_events_drain(ev, 4, 200);
    ok(n == 1 && ev[RSEQAGENT_R_KIND] == RSEQAGENT_EVENT_ALLOCATOR && ev[RSEQAGENT_R_FROM_OWNER] == RSEQAGENT_OWNER_NONE &&
           ev[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_SHIM && ev[RSEQAGENT_R_MODE] == RSEQAGENT_MODE_RSEQ,
       "the allocator's first call queues NONE -> SHIM (%d events)", n);
    rseqagent_free(rseqagent_malloc(64));
    is_int(rseqagent_events_drain(ev, 4, 10), 0, "later calls queue nothing");
    rseqagent_free(block);
    return NULL;
}

/*
 * A thread that leaves the JVM (JVMTI ThreadEnd: a JNI detach) and lives on:
 * the agent's area goes back at once, said once; holding nothing, nothing
 * happens. Not a hand-back: attached again, the allocator takes it again.
 */
static void *leaving_the_jvm(void *arg)
{
    (void)arg;
    int64_t ev[4 * RSEQAGENT_REPORT_FIELDS];
    while (rseqagent_events_drain(ev, 4, 10) > 0) /* earlier threads' exits */
        ;
    probe_now(0);
    _rseqagent_thread_leaves_jvm();
    is_int(rseqagent_events_drain(ev, 4, 10), 0, "leaving the JVM holding nothing: nothing queued");
    rseqagent_free(rseqagent_malloc(64));
    ok(kernel_registered(), "the allocator took the thread");
    while (rseqagent_events_drain(ev, 4, 10) > 0)
        ;
    _rseqagent_thread_leaves_jvm();
    ok(!kernel_registered(), "leaving the JVM unregistered the agent's area");
    int n = rseqagent_events_drain(ev, 4, 200);
    ok(n == 1 && ev[RSEQAGENT_R_KIND] == RSEQAGENT_EVENT_LEFT_JVM && ev[RSEQAGENT_R_FROM_OWNER] == RSEQAGENT_OWNER_SHIM &&
           ev[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_NONE && ev[RSEQAGENT_R_MODE] == RSEQAGENT_MODE_NONE,
       "... and queued SHIM -> NONE once (%d)", n);
    int64_t fallback_before = fallback_ops();
    void *block = rseqagent_malloc(64);
    ok(block != NULL && kernel_registered() && fallback_ops() == fallback_before,
       "attached again, the allocator takes the thread again (rseq, not the fallback)");
    rseqagent_free(block);
    return NULL;
}

int main(void)
{
    is_int(rseqagent_init(), 0, "init");
    pthread_key_create(&late_key, late_destructor);

    struct probe p = probe_now(0);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "main: NONE");
    is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_NONE, "main: mode none");
    ok(!kernel_registered(), "the probe left nothing registered");

    p = probe_now(RSEQAGENT_PROBE_ACQUIRE);
    is_int(p.r[RSEQAGENT_R_FROM_OWNER], RSEQAGENT_OWNER_NONE, "acquire: from NONE");
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_SHIM, "acquire: SHIM");
    is_int(p.r[RSEQAGENT_R_MODE], RSEQAGENT_MODE_RSEQ, "acquire: rseq");
    is_int(p.r[RSEQAGENT_R_AREA] % 32, 0, "own area is 32-byte aligned");
    ok(kernel_registered(), "the kernel sees our registration");
    const struct rseqagent_area *own = (const void *)(uintptr_t)p.r[RSEQAGENT_R_AREA];
    ok((int32_t)own->cpu_id >= 0, "the kernel writes cpu_id (%d)", (int)own->cpu_id);

    p = probe_now(RSEQAGENT_PROBE_RELEASE);
    is_int(p.r[RSEQAGENT_R_OWNER], RSEQAGENT_OWNER_NONE, "release: NONE again");
    ok(!kernel_registered(), "release unregistered");
    handed_back_stays_free();

    struct thread_result res[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, acquiring_thread, &res[i]);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    int fine = 0, late_fallback = 0, late_none = 0;
    for (int i = 0; i < THREADS; i++) {
        fine += res[i].first.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_NONE &&
                res[i].acquired.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_SHIM;
        late_fallback += res[i].late.r[RSEQAGENT_R_MODE] == RSEQAGENT_MODE_FALLBACK;
        late_none += res[i].late.r[RSEQAGENT_R_OWNER] == RSEQAGENT_OWNER_NONE;
    }
    is_int(fine, THREADS, "each thread: NONE, then SHIM on acquire");
    is_int(counter(RSEQAGENT_C_REGISTRATIONS), THREADS + 2, "registrations counted (main's two acquires)");
    is_int(counter(RSEQAGENT_C_UNREGISTRATIONS), THREADS + 2, "every one unregistered (threads at exit)");
    is_int(counter(RSEQAGENT_C_THREAD_STATES), 1, "only main keeps shim state");
    is_int(drain_exit_events(RSEQAGENT_OWNER_SHIM), THREADS, "one exit event per thread, SHIM -> NONE");
    is_int(late_fallback, THREADS, "a destructor after ours gets fallback");
    is_int(late_none, THREADS, "... and nothing was re-registered");

    pthread_t allocating;
    pthread_create(&allocating, NULL, first_allocation, NULL);
    pthread_join(allocating, NULL);
    pthread_t leaving;
    pthread_create(&leaving, NULL, leaving_the_jvm, NULL);
    pthread_join(leaving, NULL);
    return tap_done();
}
