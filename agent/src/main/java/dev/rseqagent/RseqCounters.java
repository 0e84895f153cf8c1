package dev.rseqagent;

import dev.rseqagent.bootstrap.Report;

/** A snapshot of the shim's ownership counters. */
public final class RseqCounters {
    private final long[] values;

    RseqCounters(long[] values) {
        this.values = values.clone();
    }

    /** Areas of the agent's own registered so far. */
    public long registrations() {
        return values[Report.C_REGISTRATIONS];
    }

    /** Areas of the agent's own unregistered so far (on release or at thread exit). */
    public long unregistrations() {
        return values[Report.C_UNREGISTRATIONS];
    }

    /** Times the agent took a FOREIGN owner's {@code __rseq_refcount}. */
    public long foreignRefcountTakes() {
        return values[Report.C_FOREIGN_TAKES];
    }

    /** Times the agent gave such a count back. */
    public long foreignRefcountGives() {
        return values[Report.C_FOREIGN_GIVES];
    }

    /** Thread-exit events the shim could not queue (the queue was full). */
    public long eventsDropped() {
        return values[Report.C_EVENTS_DROPPED];
    }

    /** Threads that currently have state in the shim. */
    public long liveThreadStates() {
        return values[Report.C_THREAD_STATES];
    }

    @Override
    public String toString() {
        return "RseqCounters[registrations=" + registrations() + ", unregistrations=" + unregistrations()
                + ", foreignTakes=" + foreignRefcountTakes() + ", foreignGives=" + foreignRefcountGives()
                + ", eventsDropped=" + eventsDropped() + ", liveThreadStates=" + liveThreadStates() + "]";
    }
}
