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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * allocateDirect's floor under the JDK's semantics, for an allocator that
 * costs nothing: every 4 KiB buffer is reserved through the JDK's accounting
 * (so the limit fills and the JDK's reclaim loop runs its full GCs, as in
 * DirectBufferBench), zeroed, and given a {@code jdk.internal.ref.Cleaner}
 * whose action gives the reservation back: the buffer, the cleaner and the
 * action, the three objects the JDK's buffers and rewritten ones both make.
 * The memory is a pointer stepping through the thread's share of a limit's
 * worth (256 MiB, touched before the run): a block comes round again only
 * after a limit's worth of others, as the memory of GC-freed buffers does,
 * so its zeroing meets cold memory too. Blocks are reused while their old
 * buffers may still be unreachable-but-uncollected: nothing reads them. No
 * agent is involved: the JDK internals are reached here as the agent's
 * DirectBuffers reaches them, not through it. Needs {@code --add-exports}
 * of java.base's jdk.internal.access and jdk.internal.ref (JavaAllocBench
 * passes them).
 */
@State(Scope.Thread)
public class DirectFloorBench {
    private static final int SIZE = 4096;
    private static final long LIMIT = 256L << 20; // run-jmh.sh's -XX:MaxDirectMemorySize
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

    private long region;
    private long blocks;
    private long next;

    @Setup
    public void touchShare(BenchmarkParams params) {
        blocks = LIMIT / SIZE / params.getThreads();
        region = TheUnsafe.UNSAFE.allocateMemory(blocks * SIZE);
        TheUnsafe.UNSAFE.setMemory(region, blocks * SIZE, (byte) 1); // no page faults in the measurement
    }

    @TearDown
    public void freeShare() {
        TheUnsafe.UNSAFE.freeMemory(region);
    }

    @Benchmark
    public ByteBuffer allocateDirect() throws Throwable {
        RESERVE.invokeExact((long) SIZE, (long) SIZE);
        long block = region + next * SIZE;
        next = next + 1 == blocks ? 0 : next + 1;
        TheUnsafe.UNSAFE.setMemory(block, SIZE, (byte) 0);
        ByteBuffer b = (ByteBuffer) WRAP.invokeExact(block, SIZE);
        Object cleaner = CLEANER.invokeExact((Object) b, (Runnable) new Unreserve(SIZE)); // the JDK's list holds it
        b.put(0, (byte) 1);
        return b;
    }
}
