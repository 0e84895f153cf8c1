package dev.rseqagent.boot;

/**
 * Called from the JDK's own free paths ({@code jdk.internal.misc.Unsafe}
 * freeMemory and reallocateMemory, where the agent inlines a range check), so
 * a shim address freed by code that was not rewritten comes back to the shim
 * instead of reaching libc (or NMT, which would abort the JVM). For every
 * other address it costs one compare.
 */
public final class JdkFreeGuard {
    private JdkFreeGuard() {
    }

    /** true if address was the shim's and is now freed (the JDK's method must then not run). */
    public static boolean freed(long address) {
        if (!ShimMemory.inArena(address)) {
            return false;
        }
        ShimMemory.free(address);
        return true;
    }

    /** true if address is the shim's: the JDK's reallocateMemory must then call {@link #reallocate}. */
    public static boolean isShim(long address) {
        return ShimMemory.inArena(address);
    }

    /** The JDK's reallocateMemory contract over a shim address (bytes already checked by the JDK). */
    public static long reallocate(long address, long bytes) {
        return ShimMemory.reallocateLikeUnsafe(address, bytes);
    }
}
