package dev.rseqagent.bench.plain;

import dev.rseqagent.bench.TheUnsafe;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * allocateDirect's floor under the JDK's semantics: every 4 KiB buffer is
 * reserved through the JDK's accounting (so the limit fills and the JDK's
 * reclaim loop runs its full GCs, as in DirectBufferBench) and gets a
 * {@code jdk.internal.ref.Cleaner} whose action gives the reservation back:
 * the buffer, the cleaner and the action, the three objects the JDK's
 * buffers and rewritten ones both make. The memory costs nothing: all
 * buffers share one block, never freed and never zeroed; run-jmh.sh adds
 * what zeroing cold memory costs (c/zero_floor.c). No agent is involved.
 * Needs {@code --add-exports} of java.base's jdk.internal.access and
 * jdk.internal.ref (JavaAllocBench passes them).
 */
@State(Scope.Benchmark)
public class DirectFloorBench {
    private static final int SIZE = 4096;
    private static final long BLOCK = TheUnsafe.UNSAFE.allocateMemory(SIZE);
    private static final MethodHandle RESERVE;   // (long size, long cap) void
    private static final MethodHandle UNRESERVE; // (long size, long cap) void
    private static final MethodHandle WRAP;      // (long address, int cap) ByteBuffer
    private static final MethodHandle CLEANER;   // (Object buffer, Runnable action) Object

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Object nio = Class.forName("jdk.internal.access.SharedSecrets").getMethod("getJavaNioAccess").invoke(null);
            Class<?> nioType = Class.forName("jdk.internal.access.JavaNioAccess");
            MethodType sizes = MethodType.methodType(void.class, long.class, long.class);
            RESERVE = lookup.findVirtual(nioType, "reserveMemory", sizes).bindTo(nio);
            UNRESERVE = lookup.findVirtual(nioType, "unreserveMemory", sizes).bindTo(nio);
            // newDirectByteBuffer(long, int, Object attachment, segment): the segment's type differs by JDK
            Method wrap = Arrays.stream(nioType.getMethods())
                    .filter(m -> m.getName().equals("newDirectByteBuffer") && m.getParameterCount() == 4)
                    .findFirst().orElseThrow();
            WRAP = MethodHandles.insertArguments(lookup.unreflect(wrap).bindTo(nio), 2, null, null);
            Class<?> cleaner = Class.forName("jdk.internal.ref.Cleaner");
            CLEANER = lookup.findStatic(cleaner, "create", MethodType.methodType(cleaner, Object.class, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A buffer's reservation, given back once by its cleaner (the JDK's Deallocator, less the free). */
    private static final class Unreserve implements Runnable {
        private final long size;

        Unreserve(long size) {
            this.size = size;
        }

        @Override
        public void run() {
            try {
                UNRESERVE.invokeExact(size, size);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
    }

    @Benchmark
    public ByteBuffer allocateDirect() throws Throwable {
        RESERVE.invokeExact((long) SIZE, (long) SIZE);
        ByteBuffer b = (ByteBuffer) WRAP.invokeExact(BLOCK, SIZE);
        Object cleaner = CLEANER.invokeExact((Object) b, (Runnable) new Unreserve(SIZE));
        b.put(0, (byte) 1);
        return b;
    }
}
