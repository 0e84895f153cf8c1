package dev.rseqagent.tooling.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.log.OwnershipStats;
import dev.rseqagent.tooling.options.OptionParser;
import dev.rseqagent.tooling.rewrite.Rewriting;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitSummaryTest {
    @Test
    void bytesAreShownInBinaryUnits() {
        assertEquals("512 B", ExitSummary.bytes(512));
        assertEquals("1.5 KiB", ExitSummary.bytes(1536));
        assertEquals("83.0 MiB", ExitSummary.bytes(83L << 20));
        assertEquals("1023 B", ExitSummary.bytes(1023));
        assertEquals("1024.0 KiB", ExitSummary.bytes((1L << 20) - 1), "rounds up within its unit");
        assertEquals("64.0 GiB", ExitSummary.bytes(64L << 30));
        assertEquals("1.5 GiB", ExitSummary.bytes(3L << 29));
    }

    @Test
    void oneDecimalRoundsHalfUpLikeTheFormatterDidOnTheseFigures() {
        for (double x : new double[] {0, 0.04, 0.05, 0.96, 9.99, 12.25, 99.0, 99.95, 100, 1536 / 1024.0, 123456.78}) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f", x), ExitSummary.oneDecimal(x), "x=" + x);
        }
    }

    @Test
    void theHitRateIsHitsOverServedAllocations() {
        long[] a = new long[dev.rseqagent.bootstrap.Report.ALLOCATOR_FIELDS];
        assertEquals(0.0, AgentMonitor.hitRate(a), "no allocation yet");
        a[dev.rseqagent.bootstrap.Report.A_HITS] = 98;
        a[dev.rseqagent.bootstrap.Report.A_MISSES] = 2;
        assertEquals(0.98, AgentMonitor.hitRate(a), 1e-9);
    }

    private static String render(long[] allocatorStats) {
        return render(allocatorStats, "no packages opted in");
    }

    private static String render(long[] allocatorStats, String rewritingOff) {
        Diagnostics.Source source = new Diagnostics.Source() {
            @Override
            public long[] allocatorStatsIfBound() {
                return allocatorStats;
            }

            @Override
            public Rewriting rewriting() {
                return null;
            }

            @Override
            public String rewritingOff() {
                return rewritingOff;
            }
        };
        AgentMonitor monitor = new AgentMonitor(new OwnershipStats(), source,
                OptionParser.parse(null, Map.of(), Map.of()).options());
        return ExitSummary.render(monitor, source);
    }

    @Test
    void anUnboundControlPlaneIsSaidSoNotShownAsZeros() {
        String summary = render(null);
        assertTrue(summary.contains("\n  allocator: no figures: the application ended before the agent's control plane"
                + " was bound\n"), summary);
        assertTrue(summary.endsWith("\n  rewriting: off (no packages opted in)"), summary);
    }

    @Test
    void rewritingThatIsOffSaysWhy() {
        String summary = render(null, "held off in this run");
        assertTrue(summary.endsWith("\n  rewriting: off (held off in this run)"), summary);
    }

    @Test
    void theAllocatorLineGivesTheShimsFigures() {
        long[] a = new long[Report.ALLOCATOR_FIELDS];
        a[Report.A_HITS] = 979;
        a[Report.A_MISSES] = 21;
        a[Report.A_FREES] = 400;
        a[Report.AS_LARGE_ALLOCS] = 5; // large blocks count as allocations and frees, not in the hit rate
        a[Report.AS_LARGE_FREES] = 3;
        a[Report.AS_BYTES_IN_USE] = 3 << 20;
        a[Report.AS_BYTES_COMMITTED] = 4 << 20;
        a[Report.AS_FALLBACK_OPS] = 2;
        assertTrue(render(a).contains("\n  allocator: 1005 allocations, 403 frees, hit rate 97.9%, peak 3.0 MiB in use"
                + " (sampled), 4.0 MiB committed, 0 aborts, 2 fallback operations\n"), render(a));
    }
}
