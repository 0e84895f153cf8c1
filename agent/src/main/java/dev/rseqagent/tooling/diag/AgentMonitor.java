package dev.rseqagent.tooling.diag;

import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.log.OwnershipStats;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.rewrite.Rewriting;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures JMX, JFR and the exit summary show, read when asked: ownership
 * from the log's statistics, the allocator from the shim (nothing before its
 * control plane is bound), direct buffers from the facade.
 */
public final class AgentMonitor implements RseqAgentMXBean {
    private final OwnershipStats ownership;
    private final Diagnostics.Source source;
    private final AgentOptions options;
    private final AtomicLong peakBytesInUse = new AtomicLong();

    AgentMonitor(OwnershipStats ownership, Diagnostics.Source source, AgentOptions options) {
        this.ownership = ownership;
        this.source = source;
        this.options = options;
    }

    /** The allocator's figures (zeros while the control plane is not bound); records the peak. */
    long[] allocatorFigures() {
        long[] a = allocatorFiguresIfBound();
        return a != null ? a : new long[Report.ALLOCATOR_FIELDS];
    }

    /** The allocator's figures, or null while the control plane is not bound. */
    long[] allocatorFiguresIfBound() {
        long[] a = source.allocatorStatsIfBound();
        if (a != null) {
            peakBytesInUse.accumulateAndGet(a[Report.AS_BYTES_IN_USE], Math::max);
        }
        return a;
    }

    /** Called every second: keeps the peak of bytes in use; the figures read. */
    long[] sample() {
        return allocatorFigures();
    }

    OwnershipStats ownership() {
        return ownership;
    }

    @Override
    public Map<String, Long> getThreadsByOwnerMode() {
        return ownership.threadsByOwnerMode();
    }

    @Override
    public long getTransitions() {
        return ownership.transitions();
    }

    @Override
    public long getThreadsSeen() {
        return ownership.threadsSeen();
    }

    @Override
    public long getAllocations() {
        return allocations(allocatorFigures());
    }

    /** Blocks handed out by the per-CPU caches (hits and refills) and large blocks. */
    static long allocations(long[] a) {
        return a[Report.A_HITS] + a[Report.A_MISSES] + a[Report.AS_LARGE_ALLOCS];
    }

    /** Blocks taken back by the per-CPU caches and large blocks freed. */
    static long frees(long[] a) {
        return a[Report.A_FREES] + a[Report.AS_LARGE_FREES];
    }

    @Override
    public long getFrees() {
        return frees(allocatorFigures());
    }

    @Override
    public long getCacheHits() {
        return allocatorFigures()[Report.A_HITS];
    }

    @Override
    public long getCacheMisses() {
        return allocatorFigures()[Report.A_MISSES];
    }

    @Override
    public long getCacheOverflows() {
        return allocatorFigures()[Report.A_OVERFLOWS];
    }

    @Override
    public long getAborts() {
        return allocatorFigures()[Report.A_ABORTS];
    }

    @Override
    public long getFallbackOps() {
        return allocatorFigures()[Report.AS_FALLBACK_OPS];
    }

    @Override
    public long getRefusedFrees() {
        return allocatorFigures()[Report.AS_REFUSED_FREES];
    }

    @Override
    public double getHitRate() {
        return hitRate(allocatorFigures());
    }

    static double hitRate(long[] a) {
        long served = a[Report.A_HITS] + a[Report.A_MISSES];
        return served == 0 ? 0 : (double) a[Report.A_HITS] / served;
    }

    @Override
    public long getBytesInUse() {
        return allocatorFigures()[Report.AS_BYTES_IN_USE];
    }

    @Override
    public long getPeakBytesInUse() {
        allocatorFigures();
        return peakBytesInUse.get();
    }

    @Override
    public long getBytesCached() {
        return allocatorFigures()[Report.AS_BYTES_CACHED];
    }

    @Override
    public long getBytesCommitted() {
        return allocatorFigures()[Report.AS_BYTES_COMMITTED];
    }

    @Override
    public long getBytesReserved() {
        return allocatorFigures()[Report.AS_BYTES_RESERVED];
    }

    @Override
    public long getAllocationsServedElsewhere() {
        Rewriting r = source.rewriting();
        return r == null ? 0 : r.servedElsewhere();
    }

    @Override
    public long getDirectBuffersServed() {
        Rewriting r = source.rewriting();
        return r == null ? 0 : r.liveDirectBuffers();
    }

    @Override
    public long getDirectBytesServed() {
        Rewriting r = source.rewriting();
        return r == null ? 0 : r.liveDirectBytes();
    }

    @Override
    public double getDirectPoolShare() {
        long served = getDirectBytesServed();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                long used = pool.getMemoryUsed();
                return used <= 0 ? 0 : Math.min(1.0, (double) served / used);
            }
        }
        return 0;
    }

    @Override
    public String getFacadePath() {
        Rewriting r = source.rewriting();
        return r == null ? "off" : r.path();
    }

    @Override
    public Map<String, String> getOptions() {
        Map<String, String> in = new LinkedHashMap<>();
        for (AgentOption option : AgentOption.values()) {
            in.put(option.key(), options.get(option));
        }
        return in;
    }
}
