package dev.rseqagent.tooling;

import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.bootstrap.RseqBridge;
import dev.rseqagent.tooling.log.OwnershipLog;
import dev.rseqagent.tooling.shim.Shim;

/** The running agent: probes through the shim and logs what changed. */
final class AgentRuntime implements RseqBridge {
    private final Shim shim;
    private final OwnershipLog ownership;

    AgentRuntime(Shim shim, OwnershipLog ownership) {
        this.shim = shim;
        this.ownership = ownership;
    }

    /** Probes the calling thread and logs the result; {@code at} names the occasion. */
    long[] probeAndLog(int flags, String at) {
        long[] report = shim.probe(flags);
        ownership.onProbe(report, Thread.currentThread().getName(), at);
        return report;
    }

    @Override
    public long[] probeCurrentThread(int flags) {
        return probeAndLog(flags, "api");
    }

    @Override
    public long[] counters() {
        return shim.counters();
    }

    @Override
    public long[] processInfo() {
        return shim.processInfo();
    }

    Shim shim() {
        return shim;
    }

    OwnershipLog ownership() {
        return ownership;
    }

    /** Logs the reports the shim queued on its own (thread exits); returns how many. */
    int drainEvents(long[] buf, int timeoutMs) {
        int n = shim.drainEvents(buf, buf.length / Report.REPORT_FIELDS, timeoutMs);
        for (int i = 0; i < n; i++) {
            long[] report = new long[Report.REPORT_FIELDS];
            System.arraycopy(buf, i * Report.REPORT_FIELDS, report, 0, Report.REPORT_FIELDS);
            ownership.onThreadExit(report);
        }
        ownership.tick();
        return n;
    }
}
