package dev.rseqagent.boot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Direct buffers over shim memory that the JDK accounts for as its own: the
 * bytes are reserved through the JDK's direct-memory accounting (one limit
 * shared with the JDK's buffers, its reclaim-then-OutOfMemoryError loop, its
 * "direct" buffer pool) and released by a {@code jdk.internal.ref.Cleaner},
 * which the reference processing that loop waits for runs (a
 * {@code java.lang.ref.Cleaner} thread is invisible to it). The buffer has no
 * attachment, so slices and duplicates keep it, and thereby the memory, alive.
 *
 * <p>The agent exports {@code jdk.internal.access} and {@code jdk.internal.ref}
 * to the boot loader's unnamed module before this class is initialised;
 * the JDK-version differences (the fourth parameter of newDirectByteBuffer)
 * are bridged by method handles.
 */
final class DirectBuffers {
    private static final MethodHandle RESERVE;   // (long size, long cap) void
    private static final MethodHandle UNRESERVE; // (long size, long cap) void
    private static final MethodHandle WRAP;      // (long address, int cap) ByteBuffer
    private static final MethodHandle CLEANER;   // (Object referent, Runnable action) void
    /**
     * Live buffers and their capacity: the share of the JDK's "direct" pool the shim serves.
     * Striped: threads allocating and the cleaner releasing never contend on one counter.
     */
    static final LongAdder LIVE_BUFFERS = new LongAdder();
    static final LongAdder LIVE_BYTES = new LongAdder();

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> nioAccessType = Class.forName("jdk.internal.access.JavaNioAccess");
            Object nioAccess = Class.forName("jdk.internal.access.SharedSecrets").getMethod("getJavaNioAccess").invoke(null);
            MethodType sizes = MethodType.methodType(void.class, long.class, long.class);
            RESERVE = lookup.findVirtual(nioAccessType, "reserveMemory", sizes).bindTo(nioAccess);
            UNRESERVE = lookup.findVirtual(nioAccessType, "unreserveMemory", sizes).bindTo(nioAccess);
            MethodHandle wrap = lookup.unreflect(newDirectByteBuffer(nioAccessType)).bindTo(nioAccess);
            WRAP = MethodHandles.insertArguments(wrap, 2, null, null); // no attachment, no memory segment
            Class<?> cleanerType = Class.forName("jdk.internal.ref.Cleaner");
            CLEANER = lookup.findStatic(cleanerType, "create", MethodType.methodType(cleanerType, Object.class, Runnable.class))
                    .asType(MethodType.methodType(void.class, Object.class, Runnable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DirectBuffers() {
    }

    /** newDirectByteBuffer(long, int, Object, MemorySegmentProxy on 17 / MemorySegment on 22+). */
    private static Method newDirectByteBuffer(Class<?> nioAccessType) throws NoSuchMethodException {
        for (Method m : nioAccessType.getMethods()) {
            Class<?>[] p = m.getParameterTypes();
            if (m.getName().equals("newDirectByteBuffer") && p.length == 4 && p[0] == long.class && p[1] == int.class
                    && p[2] == Object.class) {
                return m;
            }
        }
        throw new NoSuchMethodException("JavaNioAccess.newDirectByteBuffer(long, int, Object, segment)");
    }

    /** ByteBuffer.allocateDirect(capacity), served by the shim: same checks, same errors, zeroed, big-endian. */
    static ByteBuffer allocate(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0: (" + capacity + " < 0)");
        }
        long size = Math.max(1L, capacity);
        try {
            RESERVE.invokeExact(size, (long) capacity); // may run the JDK's reclaim loop, then throw its OOM
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new InternalError(t);
        }
        long address = ShimMemory.calloc(size);
        if (address == 0) {
            unreserve(size, capacity);
            throw new OutOfMemoryError("Unable to allocate " + size + " bytes");
        }
        try {
            ByteBuffer buffer = (ByteBuffer) WRAP.invokeExact(address, capacity);
            CLEANER.invokeExact((Object) buffer, (Runnable) new Release(address, size, capacity));
            LIVE_BUFFERS.increment();
            LIVE_BYTES.add(capacity);
            return buffer;
        } catch (Throwable t) {
            ShimMemory.free(address);
            unreserve(size, capacity);
            throw t instanceof Error ? (Error) t : new InternalError(t);
        }
    }

    private static void unreserve(long size, long capacity) {
        try {
            UNRESERVE.invokeExact(size, capacity);
        } catch (Throwable cannotHappen) {
            // unreserveMemory only subtracts; a failure here would be a JDK bug
        }
    }

    /** The Cleaner's action: must never throw (a throwing jdk.internal.ref.Cleaner ends the JVM). */
    private static final class Release implements Runnable {
        private final long address;
        private final long size;
        private final long capacity;

        Release(long address, long size, long capacity) {
            this.address = address;
            this.size = size;
            this.capacity = capacity;
        }

        @Override
        public void run() {
            ShimMemory.free(address);
            unreserve(size, capacity);
            LIVE_BUFFERS.decrement();
            LIVE_BYTES.add(-capacity);
        }
    }
}
