/* test_events.c — the event queue: a limited push (the JVM hook's deferred
 * thread starts) stops at its limit without counting a drop and leaves the
 * rest of the queue to the shim's own events; reports come out whole, tags
 * included, in the order they went in; concurrent pushers lose nothing. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include "internal.h"
#include "tap.h"

#define CAPACITY RSEQAGENT_EVENT_QUEUE_CAPACITY
#define PUSHERS 4
#define PER_PUSHER 1000

static void make(int64_t *r, int64_t kind, int64_t seq)
{
    memset(r, 0, sizeof(int64_t) * RSEQAGENT_REPORT_FIELDS);
    r[RSEQAGENT_R_KIND] = kind;
    r[RSEQAGENT_R_TID] = seq;
    r[RSEQAGENT_R_TAG] = 0x7f0000000000 + seq;
}

static int64_t dropped(void)
{
    int64_t c[RSEQAGENT_COUNTERS];
    rseqagent_counters(c);
    return c[RSEQAGENT_C_EVENTS_DROPPED];
}

/* Drains the queue; counts reports 0..count-1 found whole and in order
 * (THREAD_START before seq starts, THREAD_EXIT from there), or -n if n came out. */
static int drain_in_order(int count, int64_t starts)
{
    static int64_t buf[CAPACITY * RSEQAGENT_REPORT_FIELDS];
    int n = rseqagent_events_drain(buf, CAPACITY, 0);
    if (n != count)
        return -n;
    int in_order = 0;
    for (int64_t seq = 0; seq < n; seq++) {
        int64_t *r = buf + seq * RSEQAGENT_REPORT_FIELDS;
        int64_t kind = seq < starts ? RSEQAGENT_EVENT_THREAD_START : RSEQAGENT_EVENT_THREAD_EXIT;
        in_order += r[RSEQAGENT_R_TID] == seq && r[RSEQAGENT_R_TAG] == 0x7f0000000000 + seq && r[RSEQAGENT_R_KIND] == kind;
    }
    return in_order;
}

static void *pusher(void *arg)
{
    int64_t base = (int64_t)(intptr_t)arg * PER_PUSHER, r[RSEQAGENT_REPORT_FIELDS];
    for (int i = 0; i < PER_PUSHER; i++) {
        make(r, RSEQAGENT_EVENT_THREAD_START, base + i);
        while (_rseqagent_event_try_push(r, CAPACITY) != 0)
            ; /* the main thread drains */
    }
    return NULL;
}

int main(void)
{
    is_int(rseqagent_init(), 0, "init");
    int64_t r[RSEQAGENT_REPORT_FIELDS];
    int64_t drops = dropped();

    int pushed = 0;
    for (int64_t seq = 0; seq < CAPACITY; seq++) {
        make(r, RSEQAGENT_EVENT_THREAD_START, seq);
        if (_rseqagent_event_try_push(r, CAPACITY / 2) != 0)
            break;
        pushed++;
    }
    is_int(pushed, CAPACITY / 2, "a push limited to half the queue stops there");
    make(r, RSEQAGENT_EVENT_THREAD_START, pushed);
    is_int(_rseqagent_event_try_push(r, CAPACITY / 2), -ENOSPC, "and says so");
    is_int(dropped(), drops, "a refused limited push is not a drop");

    for (int64_t seq = pushed; seq < CAPACITY; seq++) {
        make(r, RSEQAGENT_EVENT_THREAD_EXIT, seq);
        _rseqagent_event_push(r);
    }
    is_int(dropped(), drops, "the shim's own events still fill the other half");
    make(r, RSEQAGENT_EVENT_THREAD_EXIT, CAPACITY);
    _rseqagent_event_push(r);
    is_int(dropped(), drops + 1, "past the whole queue, a push is a drop");
    is_int(drain_in_order(CAPACITY, pushed), CAPACITY,
           "drained whole and in order, tags included");

    pthread_t t[PUSHERS];
    for (int i = 0; i < PUSHERS; i++)
        pthread_create(&t[i], NULL, pusher, (void *)(intptr_t)i);
    static int64_t buf[64 * RSEQAGENT_REPORT_FIELDS];
    static int seen[PUSHERS * PER_PUSHER];
    int total = 0, dupes = 0;
    while (total < PUSHERS * PER_PUSHER) {
        int n = rseqagent_events_drain(buf, 64, 1);
        for (int i = 0; i < n; i++) {
            int64_t seq = buf[(size_t)i * RSEQAGENT_REPORT_FIELDS + RSEQAGENT_R_TID];
            dupes += seq < 0 || seq >= PUSHERS * PER_PUSHER || seen[seq]++ != 0;
            total++;
        }
    }
    for (int i = 0; i < PUSHERS; i++)
        pthread_join(t[i], NULL);
    is_int(total, PUSHERS * PER_PUSHER, "concurrent pushers: every report drained");
    is_int(dupes, 0, "each exactly once");
    is_int(rseqagent_events_drain(buf, 64, 0), 0, "nothing left");
    return tap_done();
}
