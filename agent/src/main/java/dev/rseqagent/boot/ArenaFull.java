package dev.rseqagent.boot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a rewritten call does when the shim's arena cannot hold the block (it
 * is full, or small under ulimit -v, -d or strict overcommit): the allocator
 * the original call would have used serves it, so the application sees no
 * error the JDK would not have given. Such blocks lie outside the arena, so
 * every free and realloc already sends them back there (the JDK's Unsafe,
 * libc for JNA). Counted, never on the fast path; initialised at the first
 * overflow, as its method handles would cost start-up ~7 spun classes (a boot
 * class's lookups meet no security manager checks).
 */
final class ArenaFull {
    private static final MethodHandle ALLOCATE; // (long bytes) long: the JDK's Unsafe, OutOfMemoryError on failure
    private static final MethodHandle COPY;     // (long from, long to, long bytes) void

    static {
        try {
            Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ALLOCATE = lookup.findVirtual(unsafeType, "allocateMemory",
                    MethodType.methodType(long.class, long.class)).bindTo(unsafe);
            COPY = lookup.findVirtual(unsafeType, "copyMemory",
                    MethodType.methodType(void.class, long.class, long.class, long.class)).bindTo(unsafe);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ArenaFull() {
    }

    /** Allocations served elsewhere because the arena could not hold them; reading it initialises nothing else. */
    static final class Count {
        static final LongAdder SERVED_ELSEWHERE = new LongAdder(); // threads overflowing at once share no line

        private Count() {
        }
    }

    /** Unsafe.allocateMemory(bytes > 0) by the JDK, with its OutOfMemoryError if it fails too. */
    static long unsafeAllocate(long bytes) {
        long address = jdkAllocate(bytes);
        Count.SERVED_ELSEWHERE.increment();
        return address;
    }

    /** A shim block that cannot grow in the arena moves to the JDK's memory; on failure it stays as it was. */
    static long unsafeReallocate(long shimAddress, long bytes) {
        long moved = jdkAllocate(bytes);
        try {
            COPY.invokeExact(shimAddress, moved, Math.min(JniMemory.usableSize(shimAddress), bytes));
        } catch (Throwable t) {
            throw new InternalError(t); // copyMemory between two valid blocks does not fail
        }
        ShimMemory.free(shimAddress);
        Count.SERVED_ELSEWHERE.increment();
        return moved;
    }

    /** The JDK's own allocateDirect: its reservation, its memory, its cleaner. */
    static ByteBuffer allocateDirect(int capacity) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(capacity);
        Count.SERVED_ELSEWHERE.increment();
        return buffer;
    }

    /** JNA's Native.malloc is libc malloc: 0 on failure, as there. */
    static long libcMalloc(long size) {
        long address = JniMemory.libcMalloc(size);
        if (address != 0) {
            Count.SERVED_ELSEWHERE.increment();
        }
        return address;
    }

    private static long jdkAllocate(long bytes) {
        try {
            return (long) ALLOCATE.invokeExact(bytes);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new InternalError(t);
        }
    }
}
