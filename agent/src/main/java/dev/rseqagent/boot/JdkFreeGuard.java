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

    /**
     * The shim's reallocation of a shim address to {@code bytes > 0}; 0 for any
     * other call, which the JDK's reallocateMemory then serves as usual (its
     * checks, and its freeMemory for size 0, which the guard above covers).
     */
    public static long reallocated(long address, long bytes) {
        return bytes > 0 && ShimMemory.inArena(address) ? ShimMemory.reallocateLikeUnsafe(address, bytes) : 0;
    }
}
