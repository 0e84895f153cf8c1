package dev.rseqagent.tooling.diag;

import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.rewrite.Rewriting;
import java.util.Locale;

/** The one block the agent prints at shutdown (INFO). */
final class ExitSummary {
    private ExitSummary() {
    }

    static String render(AgentMonitor monitor, Rewriting rewriting) {
        long[] a = monitor.allocatorFigures();
        StringBuilder sb = new StringBuilder("rseq-agent summary:");
        sb.append("\n  threads:   ").append(monitor.ownership().threadsSeen()).append(" seen, ")
                .append(monitor.getTransitions()).append(" transitions; live by owner/mode ")
                .append(monitor.getThreadsByOwnerMode());
        sb.append(String.format(Locale.ROOT,
                "%n  allocator: %d allocations, %d frees, hit rate %.1f%%, peak %s in use (sampled), %s committed, "
                        + "%d aborts, %d fallback operations",
                a[Report.A_HITS] + a[Report.A_MISSES], a[Report.A_FREES], 100 * AgentMonitor.hitRate(a),
                bytes(monitor.getPeakBytesInUse()), bytes(a[Report.AS_BYTES_COMMITTED]), a[Report.A_ABORTS],
                a[Report.AS_FALLBACK_OPS]));
        sb.append("\n  rewriting: ").append(rewriting == null ? "off (no packages opted in)" : rewriting.summary());
        return sb.toString();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
