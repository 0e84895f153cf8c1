package dev.rseqagent.examples.demo;

import dev.rseqagent.Rseq;
import dev.rseqagent.RseqThread;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A small multi-threaded application. Run it under the agent and each thread's
 * rseq owner is logged as the thread starts; each worker then asks the agent
 * to make rseq usable on it, allocates native memory (direct buffers and
 * Unsafe blocks: with packages=dev.rseqagent.examples.demo these come from
 * the agent's per-CPU caches) and prints what it got.
 *
 * <p>Args: {@code [--linger <seconds>]} keeps the JVM up afterwards (to look
 * at it with JMX or JFR), holding a few direct buffers.
 */
public final class Demo {
    private static final int WORKERS = 4;
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("demo: " + WORKERS + " workers, rseq-agent " + agentState());
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                results.add(pool.submit(Demo::work));
            }
            for (Future<String> result : results) {
                System.out.println(result.get());
            }
        } finally {
            pool.shutdown();
        }
        if (agentActive()) {
            System.out.println("demo: " + Rseq.counters());
            System.out.println("demo: allocations reach the agent's caches through " + Rseq.facadePath() + ": "
                    + Rseq.allocatorStats());
        }
        if (args.length == 2 && args[0].equals("--linger")) {
            linger(Long.parseLong(args[1]));
        }
    }

    /**
     * Stays up, holding a few direct buffers so that a look at the agent
     * (JMX, JFR) sees live bytes: the ones the workers allocated are garbage
     * by then, and whether a GC has freed them yet is chance.
     */
    private static void linger(long seconds) throws InterruptedException {
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            held.add(ByteBuffer.allocateDirect(4096));
        }
        System.out.println("demo: lingering " + seconds + " s, holding " + held.size() + " direct buffers");
        System.out.flush();
        Thread.sleep(seconds * 1000);
        Reference.reachabilityFence(held);
    }

    private static String work() {
        long sum = 0;
        for (int i = 0; i < 1_000_000; i++) {
            sum += i % 7;
        }
        String name = Thread.currentThread().getName();
        long bytes = allocate();
        if (!agentActive()) {
            return name + ": checksum " + sum + ", native bytes touched " + bytes;
        }
        RseqThread state = Rseq.acquireCurrentThread();
        return name + ": checksum " + sum + ", native bytes touched " + bytes + ", owner " + state.owner() + ", mode "
                + state.mode().label() + ", cpu index " + state.cpuIndexSource().label();
    }

    /** Direct buffers and Unsafe blocks, written and freed; returns the bytes touched. */
    private static long allocate() {
        long touched = 0;
        for (int i = 0; i < 10_000; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(256 + (i % 8) * 512);
            buffer.putLong(0, i);
            long block = UNSAFE.allocateMemory(64 + (i % 16) * 64);
            UNSAFE.putLong(block, buffer.getLong(0));
            touched += buffer.capacity() + 8;
            UNSAFE.freeMemory(block);
        }
        return touched;
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static boolean agentActive() {
        try {
            return Rseq.isActive();
        } catch (NoClassDefFoundError notAttached) {
            return false;
        }
    }

    private static String agentState() {
        try {
            return Rseq.isActive() ? "active" : "inactive (" + Rseq.unavailabilityCause() + ")";
        } catch (NoClassDefFoundError notAttached) {
            return "not attached";
        }
    }
}
