package dev.rseqagent.it.plain;

import java.nio.ByteBuffer;

/** Allocation calls in a package that is never opted in: they must stay the JDK's. */
public final class PlainMemory {
    private PlainMemory() {
    }

    public static long allocate(sun.misc.Unsafe unsafe, long bytes) {
        return unsafe.allocateMemory(bytes);
    }

    public static long reallocate(sun.misc.Unsafe unsafe, long address, long bytes) {
        return unsafe.reallocateMemory(address, bytes);
    }

    public static void free(sun.misc.Unsafe unsafe, long address) {
        unsafe.freeMemory(address);
    }

    public static ByteBuffer allocateDirect(int capacity) {
        return ByteBuffer.allocateDirect(capacity);
    }
}
