/*
 * events.c — a bounded queue of ownership reports the shim makes on its own
 * (thread exits, the allocator's acquires) and of thread starts the JVM hook
 * defers (jvm_hook.c), drained by the agent's logger thread. Reports made on a
 * thread that calls us (probes) go straight back to the caller instead, so
 * they are logged before that thread does anything else. A push wakes the
 * drainer only once the queue is half full: waking it for every exiting
 * thread would double the cost of a thread's life; it polls instead.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_half_full;
static pthread_once_t cond_once = PTHREAD_ONCE_INIT;
static int64_t queue[RSEQAGENT_EVENT_QUEUE_CAPACITY][RSEQAGENT_REPORT_FIELDS];
static unsigned head; /* next to drain */
static unsigned used;
static _Atomic int64_t dropped;

/* The drainer's timed wait runs on CLOCK_MONOTONIC: a wall-clock step must not stall it. */
static void cond_init(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&queue_half_full, &attr);
    pthread_condattr_destroy(&attr);
}

int _rseqagent_event_try_push(const int64_t *report, unsigned limit)
{
    pthread_once(&cond_once, cond_init);
    pthread_mutex_lock(&queue_lock);
    int rc = -ENOSPC;
    if (used < limit && used < RSEQAGENT_EVENT_QUEUE_CAPACITY) {
        memcpy(queue[(head + used) % RSEQAGENT_EVENT_QUEUE_CAPACITY], report, sizeof(queue[0]));
        used++;
        if (used == RSEQAGENT_EVENT_QUEUE_CAPACITY / 2)
            pthread_cond_signal(&queue_half_full);
        rc = 0;
    }
    pthread_mutex_unlock(&queue_lock);
    return rc;
}

void _rseqagent_event_push(const int64_t *report)
{
    if (_rseqagent_event_try_push(report, RSEQAGENT_EVENT_QUEUE_CAPACITY) != 0)
        atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
}

int64_t _rseqagent_events_dropped(void)
{
    return atomic_load_explicit(&dropped, memory_order_relaxed);
}

static void deadline_after(struct timespec *ts, int timeout_ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += timeout_ms / 1000;
    ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

RSEQAGENT_EXPORT int rseqagent_events_drain(int64_t *buf, int max, int timeout_ms)
{
    if (!buf || max <= 0 || timeout_ms < 0)
        return -EINVAL;
    struct timespec deadline;
    pthread_once(&cond_once, cond_init);
    deadline_after(&deadline, timeout_ms);
    pthread_mutex_lock(&queue_lock);
    while (used < RSEQAGENT_EVENT_QUEUE_CAPACITY / 2) {
        if (pthread_cond_timedwait(&queue_half_full, &queue_lock, &deadline) == ETIMEDOUT)
            break;
    }
    int n = 0;
    while (used > 0 && n < max) {
        memcpy(buf + (size_t)n * RSEQAGENT_REPORT_FIELDS, queue[head], sizeof(queue[0]));
        head = (head + 1) % RSEQAGENT_EVENT_QUEUE_CAPACITY;
        used--;
        n++;
    }
    pthread_mutex_unlock(&queue_lock);
    return n;
}

void _rseqagent_events_atfork_prepare(void)
{
    pthread_mutex_lock(&queue_lock);
}

void _rseqagent_events_atfork_parent(void)
{
    pthread_mutex_unlock(&queue_lock);
}

void _rseqagent_events_atfork_child(void)
{
    /* Other threads' exit events cannot happen in the child: forget them. */
    used = 0;
    head = 0;
    pthread_mutex_unlock(&queue_lock);
    cond_init();
}
