package dev.rseqagent.boot;

/**
 * The shim's allocator as the facade sees it: a range check that needs no
 * call (is this address the shim's?) and malloc/free/realloc by JNI, or by
 * FFM critical downcalls once {@link #enableFfm} has built them (JDK 22+, or
 * as {@link FacadeConfig} asks). Building them costs a cold JVM ~0.2 s, so
 * the agent does it after premain and calls take JNI until then: the same
 * shim either way. Where FFM is not wanted (JDK 17) the static final folds
 * the switch away; where it is, it costs one volatile read.
 */
public final class ShimMemory {
    private static final long ARENA_BASE;
    private static final long ARENA_BYTES;
    private static final boolean FFM_WANTED;
    private static volatile boolean ffmLive;
    /** Why FFM was wanted but could not be built; null otherwise. */
    private static volatile String ffmRefusal;

    static {
        long[] range = new long[2];
        JniMemory.arena(range);
        ARENA_BASE = range[0];
        ARENA_BYTES = range[1];
        String requested = FacadeConfig.requestedPath;
        FFM_WANTED = requested.equals("ffm") || requested.equals("auto") && Runtime.version().feature() >= 22;
    }

    /**
     * Builds the FFM downcalls, if wanted, and switches every call to them;
     * blocks while they are built. Null when FFM is live or not wanted, else
     * why it could not be built (calls then stay on JNI).
     */
    public static String enableFfm() {
        if (ffmPending()) {
            Throwable failure = FfmMemory.FAILURE; // initialising FfmMemory builds the downcalls
            if (failure != null) {
                ffmRefusal = String.valueOf(failure);
            } else {
                ffmLive = true;
            }
        }
        return ffmRefusal;
    }

    /** FFM is wanted but not built yet: calls take JNI until {@link #enableFfm} has run. */
    public static boolean ffmPending() {
        return FFM_WANTED && !ffmLive && ffmRefusal == null;
    }

    private static boolean ffm() {
        return FFM_WANTED && ffmLive;
    }

    private ShimMemory() {
    }

    /** Whether address lies in the shim's arena: the only addresses the shim hands out. */
    public static boolean inArena(long address) {
        return Long.compareUnsigned(address - ARENA_BASE, ARENA_BYTES) < 0;
    }

    /** Whether the arena could be reserved; without it the facade must not be used. */
    public static boolean ready() {
        return ARENA_BYTES != 0;
    }

    /** "ffm" or "jni": the path rewritten calls take now. */
    public static String path() {
        return ffm() ? "ffm" : "jni";
    }

    /** Why FFM was wanted but JNI is used, or null. */
    public static String ffmRefusal() {
        return ffmRefusal;
    }

    /** Direct buffers made by rewritten allocateDirect calls and not yet released. */
    public static long liveDirectBuffers() {
        return LiveDirectBuffers.buffers();
    }

    /** Their capacity in bytes (what they count for in the JDK's "direct" buffer pool). */
    public static long liveDirectBytes() {
        return LiveDirectBuffers.bytes();
    }

    /** Exact: address is the start of a block of the shim's (handed out, or cached after a free). */
    public static boolean owns(long address) {
        return inArena(address) && JniMemory.owns(address);
    }

    /** A block, or 0 when memory is exhausted; pre: size >= 0. */
    static long malloc(long size) {
        return ffm() ? FfmMemory.malloc(size) : JniMemory.malloc(size);
    }

    /** A zeroed block, or 0; pre: size >= 0. */
    static long calloc(long size) {
        return ffm() ? FfmMemory.calloc(size) : JniMemory.calloc(size);
    }

    /** Never throws (the direct buffer releaser calls it). A foreign address goes to libc free. */
    static void free(long address) {
        if (ffm()) {
            FfmMemory.free(address);
        } else {
            JniMemory.free(address);
        }
    }

    /** pre: address is the shim's (or 0), size > 0. The new block, or 0 with address untouched. */
    static long realloc(long address, long size) {
        return ffm() ? FfmMemory.realloc(address, size) : JniMemory.realloc(address, size);
    }

    /**
     * Unsafe.reallocateMemory's contract over an address in the shim's arena
     * (size already checked non-negative): size 0 frees and answers 0; a
     * block the arena cannot hold moves to the JDK's memory; an address that
     * is not a block's start (where libc would abort the process) is an
     * IllegalArgumentException.
     */
    static long reallocateLikeUnsafe(long address, long size) {
        if (size == 0) {
            free(address);
            return 0;
        }
        long moved = realloc(address, size);
        if (moved == 0) {
            if (!JniMemory.owns(address)) {
                throw new IllegalArgumentException("0x" + Long.toHexString(address)
                        + " is not the start of a block rseq-agent's allocator handed out");
            }
            return ArenaFull.unsafeReallocate(address, size);
        }
        return moved;
    }

    /** Allocations the arena could not hold, served by the JDK's allocator (libc for JNA) instead. */
    public static long servedElsewhere() {
        return ArenaFull.Count.SERVED_ELSEWHERE.sum();
    }
}
