package dev.rseqagent.tooling.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitSummaryTest {
    @Test
    void bytesAreShownInBinaryUnits() {
        assertEquals("512 B", ExitSummary.bytes(512));
        assertEquals("1.5 KiB", ExitSummary.bytes(1536));
        assertEquals("83.0 MiB", ExitSummary.bytes(83L << 20));
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
