package dev.rseqagent;

import dev.rseqagent.bootstrap.Report;

/**
 * A snapshot of the shim's allocator. Byte figures are exact only while no
 * thread allocates; the cache counters are sums over the per-CPU regions.
 */
public final class RseqAllocatorStats {
    private final long[] values;

    RseqAllocatorStats(long[] values) {
        this.values = values.clone();
    }

    /** Bytes handed out and not yet freed. */
    public long bytesInUse() {
        return values[Report.AS_BYTES_IN_USE];
    }

    /** Bytes sitting in the per-CPU caches. */
    public long bytesCached() {
        return values[Report.AS_BYTES_CACHED];
    }

    /** Address space of the allocator's arena. */
    public long bytesReserved() {
        return values[Report.AS_BYTES_RESERVED];
    }

    /** Arena pages touched and not given back to the OS. */
    public long bytesCommitted() {
        return values[Report.AS_BYTES_COMMITTED];
    }

    /** Per-CPU regions in use (CPUs or mm_cid values); 0 before the first allocation. */
    public long regions() {
        return values[Report.AS_REGIONS];
    }

    /** Allocations and frees by threads that could not use rseq. */
    public long fallbackOps() {
        return values[Report.AS_FALLBACK_OPS];
    }

    /** Frees the allocator refused (double or invalid frees it caught). */
    public long refusedFrees() {
        return values[Report.AS_REFUSED_FREES];
    }

    /** Blocks over 256 KiB (spans of their own) handed out since the start. */
    public long largeAllocations() {
        return values[Report.AS_LARGE_ALLOCS];
    }

    /** Blocks over 256 KiB freed since the start. */
    public long largeFrees() {
        return values[Report.AS_LARGE_FREES];
    }

    /** Allocations served straight from a per-CPU cache. */
    public long hits() {
        return values[Report.A_HITS];
    }

    /** Frees taken straight by a per-CPU cache. */
    public long frees() {
        return values[Report.A_FREES];
    }

    /** Refills of a per-CPU cache from the central lists. */
    public long misses() {
        return values[Report.A_MISSES];
    }

    /** Spills of a per-CPU cache to the central lists. */
    public long overflows() {
        return values[Report.A_OVERFLOWS];
    }

    /** Critical sections the kernel restarted. */
    public long aborts() {
        return values[Report.A_ABORTS];
    }

    @Override
    public String toString() {
        return "RseqAllocatorStats[inUse=" + bytesInUse() + ", cached=" + bytesCached() + ", committed="
                + bytesCommitted() + ", regions=" + regions() + ", hits=" + hits() + ", frees=" + frees() + ", misses=" + misses()
                + ", overflows=" + overflows() + ", aborts=" + aborts() + ", fallbackOps=" + fallbackOps()
                + ", refusedFrees=" + refusedFrees() + ", largeAllocations=" + largeAllocations() + ", largeFrees="
                + largeFrees() + "]";
    }
}
