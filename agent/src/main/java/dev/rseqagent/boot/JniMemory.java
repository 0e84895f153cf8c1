package dev.rseqagent.boot;

/**
 * The shim's allocation calls through JNI. The natives are registered by the
 * agent (native/src/jni_memory.c) before any rewritten code runs.
 */
final class JniMemory {
    private JniMemory() {
    }

    static native long malloc(long size);

    static native long calloc(long size);

    static native void free(long address);

    static native long realloc(long address, long size);

    /** The usable size of a block of the shim's (0 for any other address). */
    static native long usableSize(long address);

    /** libc malloc, 0 on failure: where JNA's Native.malloc would have taken the block. */
    static native long libcMalloc(long size);

    /** true if address is the start of a block of the shim's (handed out, or cached after a free). */
    static native boolean owns(long address);

    /** range[0] = arena base, range[1] = arena bytes (0, 0 when it cannot be reserved). */
    static native void arena(long[] range);

    /** Entry points for FFM downcalls, in {@link FfmMemory}'s order. */
    static native void entryPoints(long[] out);
}
