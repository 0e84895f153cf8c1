package dev.rseqagent.tooling.diag;

import java.util.Map;

/**
 * {@code dev.rseqagent:type=RseqAgent} (registered once the platform
 * MBeanServer exists): what the agent sees, in the JVM's own
 * tools (jconsole, JMX exporters). Allocator figures are those of the shim's
 * whole process; "cache" counters are sums over the per-CPU caches.
 */
public interface RseqAgentMXBean {
    /** Live threads the agent has seen, by "OWNER/mode" (e.g. "GLIBC/rseq": 12). */
    Map<String, Long> getThreadsByOwnerMode();

    /** Changes of owner or mode of threads already seen. */
    long getTransitions();

    /** Threads seen since start. */
    long getThreadsSeen();

    /** Blocks handed out: by the per-CPU caches (hits, and refills that served one), and blocks over 256 KiB. */
    long getAllocations();

    /** Blocks freed: into the per-CPU caches, and blocks over 256 KiB. */
    long getFrees();

    long getCacheHits();

    long getCacheMisses();

    long getCacheOverflows();

    /** Critical sections the kernel restarted. */
    long getAborts();

    /** Allocations and frees of threads without usable rseq (locked central lists). */
    long getFallbackOps();

    /** Frees refused: addresses that are not the start of a live block (interior, stale or repeated). */
    long getRefusedFrees();

    /** Hits / (hits + misses), 0 before any allocation. */
    double getHitRate();

    long getBytesInUse();

    /** The highest bytes in use seen (sampled every second and on each read). */
    long getPeakBytesInUse();

    long getBytesCached();

    long getBytesCommitted();

    long getBytesReserved();

    /**
     * Rewritten allocations the allocator's arena could not hold (full, or
     * small under ulimit -v, -d or strict overcommit), served by the JDK's
     * allocator (libc for JNA) instead.
     */
    long getAllocationsServedElsewhere();

    /** Direct buffers from rewritten allocateDirect calls, still alive. */
    long getDirectBuffersServed();

    /** Their capacity, counted in the JDK's "direct" buffer pool. */
    long getDirectBytesServed();

    /** Their share of the "direct" pool's memory used (0..1). */
    double getDirectPoolShare();

    /** How rewritten calls reach the shim: "ffm", "jni" or "off". */
    String getFacadePath();

    /** Every option in effect, with its value. */
    Map<String, String> getOptions();
}
