package dev.rseqagent.boot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Direct buffers over shim memory that the JDK accounts for as its own: the
 * bytes are reserved through the JDK's direct-memory accounting (one limit
 * shared with the JDK's buffers, its reclaim-then-OutOfMemoryError loop, its
 * "direct" buffer pool) and given back by the GC's reference processing once
 * it finds the buffer unreachable ({@link LiveDirectBuffers}). The buffer has
 * no attachment, so slices and duplicates keep it, and thereby the memory,
 * alive; its cleaner is held apart, not in the buffer's own field, so
 * {@code Unsafe.invokeCleaner} leaves it be.
 *
 * <p>The agent exports {@code jdk.internal.access}, {@code jdk.internal.misc}
 * and {@code jdk.internal.ref} to the boot loader's unnamed module before
 * this class is initialised; the JDK-version differences (the fourth
 * parameter of newDirectByteBuffer) are bridged by method handles.
 */
final class DirectBuffers {
    private static final MethodHandle RESERVE;   // (long size, long cap) void
    private static final MethodHandle UNRESERVE; // (long size, long cap) void
    private static final MethodHandle WRAP;      // (long address, int cap) ByteBuffer
    private static final MethodHandle CLEANER;   // (Object buffer, Runnable action) Object: a jdk.internal.ref.Cleaner
    /** -Dsun.nio.PageAlignDirectMemory=true: the JDK page-aligns its buffers (O_DIRECT I/O needs it); so do we. */
    private static final int ALIGNMENT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> sharedSecrets = Class.forName("jdk.internal.access.SharedSecrets");
            Class<?> nioAccessType = Class.forName("jdk.internal.access.JavaNioAccess");
            Object nioAccess = sharedSecrets.getMethod("getJavaNioAccess").invoke(null);
            MethodType sizes = MethodType.methodType(void.class, long.class, long.class);
            RESERVE = lookup.findVirtual(nioAccessType, "reserveMemory", sizes).bindTo(nioAccess);
            UNRESERVE = lookup.findVirtual(nioAccessType, "unreserveMemory", sizes).bindTo(nioAccess);
            MethodHandle wrap = lookup.unreflect(newDirectByteBuffer(nioAccessType)).bindTo(nioAccess);
            WRAP = MethodHandles.insertArguments(wrap, 2, null, null); // no attachment, no memory segment
            Class<?> cleaner = Class.forName("jdk.internal.ref.Cleaner"); // JDK 9-25; 26 took it out
            CLEANER = lookup.findStatic(cleaner, "create", MethodType.methodType(cleaner, Object.class, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            boolean pageAligned = (boolean) Class.forName("jdk.internal.misc.VM")
                    .getMethod("isDirectMemoryPageAligned").invoke(null);
            ALIGNMENT = pageAligned ? pageSize() : 0;
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DirectBuffers() {
    }

    /** The JDK's page size, asked only when its buffers are page-aligned: rewriting's start-up need not pay for it. */
    private static int pageSize() throws ReflectiveOperationException {
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        return (int) unsafeType.getMethod("pageSize").invoke(unsafeType.getMethod("getUnsafe").invoke(null));
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

    /**
     * ByteBuffer.allocateDirect(capacity), served by the shim: same checks, same
     * errors, same accounting, zeroed, big-endian, page-aligned if the JDK's are.
     */
    static ByteBuffer allocate(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0: (" + capacity + " < 0)");
        }
        long size = reservedBytes(capacity);
        reserve(size, capacity);
        long block = ShimMemory.calloc(size);
        if (block == 0) {
            unreserve(size, capacity);
            return ArenaFull.allocateDirect(capacity);
        }
        Object cleaner = null;
        try {
            long address = ALIGNMENT == 0 ? block : (block + ALIGNMENT - 1) & -ALIGNMENT;
            ByteBuffer buffer = (ByteBuffer) WRAP.invokeExact(address, capacity);
            LiveDirectBuffers.Memory memory = new LiveDirectBuffers.Memory(block, capacity);
            cleaner = CLEANER.invokeExact((Object) buffer, (Runnable) memory);
            LiveDirectBuffers.track(memory);
            return buffer;
        } catch (Throwable t) {
            if (cleaner == null) { // else the block is the cleaner's: it goes when the buffer does
                ShimMemory.free(block);
                unreserve(size, capacity);
            }
            throw t instanceof Error ? (Error) t : new InternalError(t);
        }
    }

    /** The JDK's reservation, which may run its reclaim loop and then throw its OutOfMemoryError. */
    private static void reserve(long size, long capacity) {
        try {
            RESERVE.invokeExact(size, capacity);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new InternalError(t);
        }
    }

    /**
     * Gives a buffer's memory back: to the shim, then out of the agent's
     * count, then to the JDK's accounting (so the JDK's pool never shows
     * memory back that the agent still counts). Never throws.
     */
    static void release(LiveDirectBuffers.Memory memory) {
        ShimMemory.free(memory.block);
        LiveDirectBuffers.untrack(memory);
        unreserve(reservedBytes(memory.capacity), memory.capacity);
    }

    /**
     * What a buffer of capacity reserves and occupies, as the JDK counts it: a
     * zero-capacity buffer too has an address, and a page-aligned one a page more.
     */
    private static long reservedBytes(int capacity) {
        return Math.max(1L, (long) capacity + ALIGNMENT);
    }

    private static void unreserve(long size, long capacity) {
        try {
            UNRESERVE.invokeExact(size, capacity);
        } catch (Throwable cannotHappen) {
            // unreserveMemory only subtracts; a failure here would be a JDK bug
        }
    }
}
