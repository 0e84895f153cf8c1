package dev.rseqagent.boot;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What rewritten call sites call instead of the JDK's and JNA's allocation
 * methods: one static method per replaced call, taking the replaced call's
 * receiver (if any) and arguments, so a call instruction is swapped for
 * another and nothing else in the method changes. Memory comes from the shim;
 * an address that is not the shim's goes back where it came from (the
 * receiver's own Unsafe method, or libc for JNA, which is what JNA calls).
 */
public final class Substitutes {
    private Substitutes() {
    }

    /** For {@code sun.misc.Unsafe.allocateMemory(long)}: the JDK's checks and errors. */
    public static long allocateMemory(sun.misc.Unsafe unsafe, long bytes) {
        Objects.requireNonNull(unsafe); // as the replaced call on a null receiver
        if (bytes < 0) {
            throw new IllegalArgumentException();
        }
        if (bytes == 0) {
            return 0;
        }
        long address = ShimMemory.malloc(bytes);
        if (address == 0) {
            throw new OutOfMemoryError("Unable to allocate " + bytes + " bytes");
        }
        return address;
    }

    /** For {@code sun.misc.Unsafe.reallocateMemory(long, long)}. */
    public static long reallocateMemory(sun.misc.Unsafe unsafe, long address, long bytes) {
        Objects.requireNonNull(unsafe);
        if (address != 0 && !ShimMemory.inArena(address)) {
            return unsafe.reallocateMemory(address, bytes); // the JDK's block stays the JDK's
        }
        if (bytes < 0) {
            throw new IllegalArgumentException();
        }
        return address == 0 ? allocateMemory(unsafe, bytes) : ShimMemory.reallocateLikeUnsafe(address, bytes);
    }

    /** For {@code sun.misc.Unsafe.freeMemory(long)}. */
    public static void freeMemory(sun.misc.Unsafe unsafe, long address) {
        Objects.requireNonNull(unsafe);
        if (ShimMemory.inArena(address)) {
            ShimMemory.free(address);
        } else {
            unsafe.freeMemory(address);
        }
    }

    /** For {@code java.nio.ByteBuffer.allocateDirect(int)}. */
    public static ByteBuffer allocateDirect(int capacity) {
        return DirectBuffers.allocate(capacity);
    }

    /** For {@code com.sun.jna.Native.malloc(long)}: like C malloc, 0 on failure. */
    public static long jnaMalloc(long size) {
        return size < 0 ? 0 : ShimMemory.malloc(size);
    }

    /** For {@code com.sun.jna.Native.free(long)}: a foreign address goes to libc free, as JNA's own does. */
    public static void jnaFree(long address) {
        ShimMemory.free(address);
    }
}
