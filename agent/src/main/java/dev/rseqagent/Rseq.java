package dev.rseqagent;

import dev.rseqagent.bootstrap.AgentHolder;
import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.bootstrap.RseqBridge;

/**
 * Public API of rseq-agent: who owns the calling thread's rseq registration.
 * Each call re-probes the thread in the kernel and logs a transition if the
 * owner changed since the agent last looked.
 */
public final class Rseq {
    private Rseq() {
    }

    /** True when the agent is attached and its shim is loaded. */
    public static boolean isActive() {
        return AgentHolder.bridge() != null;
    }

    /** Why the agent is not active, or {@code null} when it is. */
    public static String unavailabilityCause() {
        return AgentHolder.unavailabilityCause();
    }

    /**
     * Probes the calling thread without taking anything.
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static RseqThread currentThread() {
        return RseqThread.fromReport(bridge().probeCurrentThread(0));
    }

    /**
     * Makes rseq usable on the calling thread where it can be: registers the
     * agent's own area when nobody owns the thread, or takes a FOREIGN owner's
     * {@code __rseq_refcount}. Held until {@link #releaseCurrentThread()} or
     * the thread leaves the JVM (it ends, or a native thread detaches).
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static RseqThread acquireCurrentThread() {
        return RseqThread.fromReport(bridge().probeCurrentThread(Report.ACQUIRE));
    }

    /**
     * Gives back what {@link #acquireCurrentThread()} (or the allocator) took,
     * so another library may register on this thread. The thread stays handed
     * back: rewritten allocations on it take the fallback rather than register
     * again, until {@link #acquireCurrentThread()}.
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static RseqThread releaseCurrentThread() {
        return RseqThread.fromReport(bridge().probeCurrentThread(Report.RELEASE));
    }

    /**
     * The shim's ownership counters.
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static RseqCounters counters() {
        return new RseqCounters(bridge().counters());
    }

    /**
     * What the shim found about rseq in this process.
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static RseqProcess process() {
        return new RseqProcess(bridge().processInfo());
    }

    /**
     * Whether {@code address} is the start of a block of the agent's per-CPU
     * allocator (what rewritten allocation calls hand out). A freed block may
     * still be the allocator's, cached for the next allocation: watch
     * {@link RseqAllocatorStats#bytesInUse()} to see frees.
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static boolean owns(long address) {
        return bridge().owns(address);
    }

    /**
     * The allocator's figures: bytes in use, cached, committed; per-CPU cache
     * hits, misses, overflows and aborts summed over CPUs.
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static RseqAllocatorStats allocatorStats() {
        return new RseqAllocatorStats(bridge().allocatorStats());
    }

    /**
     * How rewritten allocation calls reach the shim now: {@code "ffm"}
     * (critical downcalls, JDK 22+, from shortly after start-up: the agent
     * builds them in the background and calls take JNI until then),
     * {@code "jni"}, or {@code "off"} when no package is opted in to rewriting.
     *
     * @throws IllegalStateException if the agent is not active
     */
    public static String facadePath() {
        return bridge().facadePath();
    }

    private static RseqBridge bridge() {
        RseqBridge bridge = AgentHolder.bridge();
        if (bridge == null) {
            throw new IllegalStateException(AgentHolder.unavailabilityCause());
        }
        return bridge;
    }
}
