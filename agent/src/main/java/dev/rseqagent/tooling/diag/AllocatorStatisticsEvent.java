package dev.rseqagent.tooling.diag;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Period;
import jdk.jfr.Percentage;

/** JFR, every second of a recording: the shim allocator's figures. */
@Name("dev.rseqagent.AllocatorStatistics")
@Label("rseq Allocator Statistics")
@Category("rseq-agent")
@StackTrace(false)
@Description("The per-CPU allocator of rseq-agent's shim: bytes, cache counters, direct buffers served")
@Period("1 s")
final class AllocatorStatisticsEvent extends Event {
    @Label("Bytes In Use") @DataAmount
    long bytesInUse;

    @Label("Bytes Cached") @DataAmount
    long bytesCached;

    @Label("Bytes Committed") @DataAmount
    long bytesCommitted;

    @Label("Allocations")
    long allocations;

    @Label("Frees")
    long frees;

    @Label("Cache Hit Rate") @Percentage
    double hitRate;

    @Label("Aborts")
    long aborts;

    @Label("Fallback Operations")
    long fallbackOps;

    @Label("Direct Bytes Served") @DataAmount
    long directBytesServed;

    @Label("Allocations Served Elsewhere")
    @Description("Rewritten allocations the allocator's arena could not hold, served by the JDK's allocator instead")
    long allocationsServedElsewhere;
}
