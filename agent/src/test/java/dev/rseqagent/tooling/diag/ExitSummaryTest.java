package dev.rseqagent.tooling.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitSummaryTest {
    @Test
    void bytesAreShownInBinaryUnits() {
        assertEquals("512 B", ExitSummary.bytes(512));
        assertEquals("1.5 KiB", ExitSummary.bytes(1536));
        assertEquals("83.0 MiB", ExitSummary.bytes(83L << 20));
        assertEquals("1023 B", ExitSummary.bytes(1023));
        assertEquals("1024.0 KiB", ExitSummary.bytes((1L << 20) - 1), "rounds up within its unit");
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
}
