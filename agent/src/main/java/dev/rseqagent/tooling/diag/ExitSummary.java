package dev.rseqagent.tooling.diag;

import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.rewrite.Rewriting;

/**
 * The one block the agent prints at shutdown (INFO). Built by hand, not with
 * String.format: the Formatter's first use (regex, locale data) cost every
 * JVM's exit ~30 ms of CPU on this block alone.
 */
final class ExitSummary {
    private ExitSummary() {
    }

    static String render(AgentMonitor monitor, Diagnostics.Source source) {
        Rewriting rewriting = source.rewriting();
        long[] a = monitor.allocatorFiguresIfBound();
        StringBuilder sb = new StringBuilder("rseq-agent summary:");
        sb.append("\n  threads:   ").append(monitor.ownership().threadsSeen()).append(" seen, ")
                .append(monitor.getTransitions()).append(" transitions; live by owner/mode ")
                .append(monitor.getThreadsByOwnerMode());
        sb.append("\n  allocator: ");
        if (a == null) {
            sb.append("no figures: the application ended before the agent's control plane was bound");
        } else {
            allocator(sb, a, monitor.getPeakBytesInUse());
        }
        sb.append("\n  rewriting: ")
                .append(rewriting == null ? "off (" + source.rewritingOff() + ")" : rewriting.summary());
        long elsewhere = monitor.getAllocationsServedElsewhere();
        if (elsewhere > 0) {
            sb.append(", ").append(elsewhere).append(" allocations served by the JDK (the allocator's arena was full)");
        }
        return sb.toString();
    }

    private static void allocator(StringBuilder sb, long[] a, long peakBytesInUse) {
        sb.append(AgentMonitor.allocations(a))
                .append(" allocations, ").append(AgentMonitor.frees(a)).append(" frees, hit rate ")
                .append(oneDecimal(100 * AgentMonitor.hitRate(a))).append("%, peak ")
                .append(bytes(peakBytesInUse)).append(" in use (sampled), ")
                .append(bytes(a[Report.AS_BYTES_COMMITTED])).append(" committed, ")
                .append(a[Report.A_ABORTS]).append(" aborts, ")
                .append(a[Report.AS_FALLBACK_OPS]).append(" fallback operations");
        if (a[Report.AS_REFUSED_FREES] > 0) {
            sb.append(", ").append(a[Report.AS_REFUSED_FREES]).append(" frees refused (not a block's start)");
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return oneDecimal(n / 1024.0) + " KiB";
        }
        if (n < 1024L * 1024 * 1024) {
            return oneDecimal(n / (1024.0 * 1024)) + " MiB";
        }
        return oneDecimal(n / (1024.0 * 1024 * 1024)) + " GiB";
    }

    /** {@code x} (finite, not negative) rounded half up to one decimal: "12.3". */
    static String oneDecimal(double x) {
        long tenths = Math.round(x * 10);
        return (tenths / 10) + "." + (tenths % 10);
    }
}
