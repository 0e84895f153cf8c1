package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.UNSAFE;
import static dev.rseqagent.it.alloc.Checks.check;

import dev.rseqagent.Mode;
import dev.rseqagent.Rseq;
import dev.rseqagent.RseqAllocatorStats;
import dev.rseqagent.it.plain.PlainMemory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * sun.misc.Unsafe allocate/reallocate/free in an opted-in package, and frees
 * across the boundary with a package that is not. Prints CHECK lines.
 */
public final class UnsafeApp {
    public static void main(String[] args) throws Exception {
        facadeSwitch();
        contentsAndRealloc();
        edges();
        cachesServeTheCalls();
        crossBoundary();
        acrossThreads();
        onVirtualThreads();
        Checks.done();
    }

    /**
     * On JDK 22+ the facade starts on JNI and switches to FFM once the agent
     * has built its downcalls: a block from before the switch is still the
     * shim's after it. Prints "FACADE <first> -> <settled>"; the rest of the
     * checks run on the settled path. -Dit.facadeWaitMs bounds the wait for
     * the switch (0 where none is due, as with facade=jni).
     */
    private static void facadeSwitch() throws InterruptedException {
        long early = UNSAFE.allocateMemory(64);
        UNSAFE.putLong(early, 42);
        String first = Rseq.facadePath();
        long deadline = System.nanoTime() + Long.getLong("it.facadeWaitMs", 20_000) * 1_000_000L;
        while (Runtime.version().feature() >= 22 && Rseq.facadePath().equals("jni") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        String settled = Rseq.facadePath();
        check("facade.switch.keeps.blocks", Rseq.owns(early) && UNSAFE.getLong(early) == 42, early);
        UNSAFE.freeMemory(early);
        System.out.println("FACADE " + first + " -> " + settled);
    }

    private static void contentsAndRealloc() {
        long inUse = Rseq.allocatorStats().bytesInUse();
        long p = UNSAFE.allocateMemory(64);
        check("unsafe.allocate.owned", Rseq.owns(p), p);
        for (int i = 0; i < 8; i++) {
            UNSAFE.putLong(p + 8L * i, 0x0101010101010101L * (i + 1));
        }
        long q = UNSAFE.reallocateMemory(p, 100_000);
        boolean kept = true;
        for (int i = 0; i < 8; i++) {
            kept &= UNSAFE.getLong(q + 8L * i) == 0x0101010101010101L * (i + 1);
        }
        check("unsafe.realloc.keeps", kept, q);
        check("unsafe.realloc.owned", Rseq.owns(q), q);
        UNSAFE.setMemory(q, 100_000, (byte) 7);
        UNSAFE.freeMemory(q);
        check("unsafe.free.released", Rseq.allocatorStats().bytesInUse() == inUse, Rseq.allocatorStats());
    }

    private static void edges() {
        check("unsafe.allocate.zero", UNSAFE.allocateMemory(0) == 0, "not 0");
        boolean iae = false;
        try {
            UNSAFE.allocateMemory(-1);
        } catch (IllegalArgumentException e) {
            iae = true;
        }
        check("unsafe.allocate.negative", iae, "no IllegalArgumentException");
        long inUse = Rseq.allocatorStats().bytesInUse();
        long p = UNSAFE.reallocateMemory(0, 32);
        check("unsafe.realloc.from-null", Rseq.owns(p), p);
        check("unsafe.realloc.to-zero", UNSAFE.reallocateMemory(p, 0) == 0
                && Rseq.allocatorStats().bytesInUse() == inUse, p);
        boolean oom = false;
        try {
            UNSAFE.allocateMemory(1L << 62);
        } catch (OutOfMemoryError e) {
            oom = e.getMessage().startsWith("Unable to allocate");
        }
        check("unsafe.allocate.absurd", oom, "no OutOfMemoryError(Unable to allocate ...)");
        UNSAFE.freeMemory(0); // as the JDK: nothing
        invalidAddresses();
    }

    /**
     * Addresses that are not a block's start (undefined for the JDK; libc aborts
     * on some): a free is refused and counted, a realloc is an IllegalArgumentException;
     * the block itself is untouched.
     */
    private static void invalidAddresses() {
        long p = UNSAFE.allocateMemory(64);
        if (!Rseq.owns(p)) { // not rewritten (the tests that run this app without rewriting): libc would abort
            UNSAFE.freeMemory(p);
            return;
        }
        UNSAFE.putLong(p, 44);
        long refused = Rseq.allocatorStats().refusedFrees();
        UNSAFE.freeMemory(p + 8);
        PlainMemory.free(UNSAFE, p + 16); // the JDK's freeMemory, guarded
        check("unsafe.free.interior-refused", Rseq.allocatorStats().refusedFrees() == refused + 2
                && UNSAFE.getLong(p) == 44, Rseq.allocatorStats());
        String iae = null;
        try {
            UNSAFE.reallocateMemory(p + 8, 128);
        } catch (IllegalArgumentException e) {
            iae = e.getMessage();
        }
        check("unsafe.realloc.interior", iae != null && iae.endsWith(" is not the start of a block rseq-agent's"
                + " allocator handed out") && UNSAFE.getLong(p) == 44, iae);
        UNSAFE.freeMemory(p);
    }

    private static void cachesServeTheCalls() {
        RseqAllocatorStats before = Rseq.allocatorStats();
        for (int i = 0; i < 10_000; i++) {
            UNSAFE.freeMemory(UNSAFE.allocateMemory(64 + (i & 255)));
        }
        RseqAllocatorStats after = Rseq.allocatorStats();
        // rseq mode: served by the per-CPU caches; fallback mode: by the locked central lists
        boolean rseq = Rseq.currentThread().mode() == Mode.RSEQ;
        long served = rseq ? after.hits() - before.hits() : after.fallbackOps() - before.fallbackOps();
        check("unsafe.cache.served", served >= 9_000, (rseq ? "rseq " : "fallback ") + before + " -> " + after);
        check("unsafe.cache.in-use", after.bytesInUse() == before.bytesInUse(), before + " -> " + after);
    }

    /** Shim blocks freed by code that was not rewritten, and JDK blocks freed by code that was. */
    private static void crossBoundary() {
        long inUse = Rseq.allocatorStats().bytesInUse();
        long shim = UNSAFE.allocateMemory(256);
        PlainMemory.free(UNSAFE, shim); // the JDK's freeMemory, guarded
        check("cross.shim-freed-by-jdk", Rseq.allocatorStats().bytesInUse() == inUse, Rseq.allocatorStats());
        long shim2 = UNSAFE.allocateMemory(256);
        UNSAFE.putLong(shim2, 42);
        long moved = PlainMemory.reallocate(UNSAFE, shim2, 8192); // the JDK's reallocateMemory, guarded
        check("cross.shim-realloc-by-jdk", Rseq.owns(moved) && UNSAFE.getLong(moved) == 42, moved);
        check("cross.shim-realloc-by-jdk-to-zero", PlainMemory.reallocate(UNSAFE, moved, 0) == 0
                && Rseq.allocatorStats().bytesInUse() == inUse, Rseq.allocatorStats());
        long jdk = PlainMemory.allocate(UNSAFE, 256);
        check("cross.jdk-block-not-owned", !Rseq.owns(jdk), jdk);
        UNSAFE.putLong(jdk, 43);
        long jdkMoved = UNSAFE.reallocateMemory(jdk, 4096); // rewritten, but the block is the JDK's
        check("cross.jdk-realloc-by-rewritten", !Rseq.owns(jdkMoved) && UNSAFE.getLong(jdkMoved) == 43, jdkMoved);
        UNSAFE.freeMemory(jdkMoved); // rewritten: goes back to the JDK
        check("cross.in-use-back", Rseq.allocatorStats().bytesInUse() == inUse, Rseq.allocatorStats());
    }

    /** Blocks allocated on one platform thread and freed on another, by several pairs at once. */
    private static void acrossThreads() throws InterruptedException {
        long inUse = Rseq.allocatorStats().bytesInUse();
        Thread[] threads = new Thread[4];
        boolean[] intact = {true, true};
        for (int pair = 0; pair < 2; pair++) {
            BlockingQueue<Long> queue = new ArrayBlockingQueue<>(64);
            int id = pair;
            threads[2 * pair] = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    long p = UNSAFE.allocateMemory(16 + (i % 2000));
                    UNSAFE.putLong(p, i);
                    putUninterruptibly(queue, p);
                }
                putUninterruptibly(queue, 0L);
            }, "producer-" + pair);
            threads[2 * pair + 1] = new Thread(() -> {
                for (int i = 0;; i++) {
                    long p = takeUninterruptibly(queue);
                    if (p == 0) {
                        return;
                    }
                    intact[id] &= UNSAFE.getLong(p) == i && Rseq.owns(p);
                    UNSAFE.freeMemory(p);
                }
            }, "consumer-" + pair);
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        check("threads.cross-thread-frees", intact[0] && intact[1], "a block arrived damaged or not the shim's");
        check("threads.in-use-back", Rseq.allocatorStats().bytesInUse() == inUse, Rseq.allocatorStats());
    }

    /** JDK 21+: the same calls on virtual threads (the mode is decided for whichever carrier runs them). */
    private static void onVirtualThreads() throws Exception {
        if (Runtime.version().feature() < 21) {
            return;
        }
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        ThreadFactory factory = (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        long inUse = Rseq.allocatorStats().bytesInUse();
        boolean[] owned = {true};
        Thread[] threads = new Thread[100];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = factory.newThread(() -> {
                for (int i = 0; i < 1000; i++) {
                    long p = UNSAFE.allocateMemory(64);
                    if (!Rseq.owns(p)) {
                        owned[0] = false;
                    }
                    if (i % 100 == 0) {
                        Thread.yield(); // may continue on another carrier
                    }
                    UNSAFE.freeMemory(p);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        check("virtual.owned", owned[0], "a virtual thread got memory that is not the shim's");
        check("virtual.in-use-back", Rseq.allocatorStats().bytesInUse() == inUse, Rseq.allocatorStats());
    }

    private static void putUninterruptibly(BlockingQueue<Long> queue, long value) {
        while (true) {
            try {
                queue.put(value);
                return;
            } catch (InterruptedException e) {
                // keep going: the test joins these threads
            }
        }
    }

    private static long takeUninterruptibly(BlockingQueue<Long> queue) {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // keep going
            }
        }
    }
}
