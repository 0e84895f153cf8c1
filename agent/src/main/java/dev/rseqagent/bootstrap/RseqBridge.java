package dev.rseqagent.bootstrap;

/**
 * What the public API ({@code dev.rseqagent.Rseq}) asks of the running agent.
 * Arrays are laid out as {@link Report} says (the shim's own layout).
 */
public interface RseqBridge {
    /** Probes the calling thread; flags: 0, {@link Report#ACQUIRE} or {@link Report#RELEASE}. */
    long[] probeCurrentThread(int flags);

    /** The shim's counters, indexed by {@code Report.C_*}. */
    long[] counters();

    /** Process-wide facts, indexed by {@code Report.P_*}. */
    long[] processInfo();

    /** The allocator's figures, indexed by {@code Report.AS_*} and {@code Report.A_*}. */
    long[] allocatorStats();

    /** Whether address is the start of a block of the shim's allocator (handed out, or cached after a free). */
    boolean owns(long address);

    /** "ffm" or "jni" when rewritten calls reach the shim that way, "off" when nothing is rewritten. */
    String facadePath();
}
