package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.check;

import dev.rseqagent.Rseq;
import dev.rseqagent.it.plain.PlainMemory;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ByteBuffer.allocateDirect in an opted-in package keeps the JDK's semantics.
 * Run with -XX:MaxDirectMemorySize=16m. Prints CHECK lines.
 */
public final class DirectApp {
    private static final long LIMIT = 16L << 20;

    public static void main(String[] args) throws Exception {
        shapeAndContents();
        reusedBlocksAreZeroed();
        slicesKeepMemoryAlive();
        invokeCleanerIsHarmless();
        poolAndReclaim();
        tenTimesTheLimit();
        theJdksLoopReclaimsRewrittenBuffers();
        retainedPastTheLimit();
        threadsMeetingTheLimitTogether();
        Checks.done();
    }

    private static void shapeAndContents() {
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        check("direct.shape", b.isDirect() && b.capacity() == 4096 && b.position() == 0 && b.limit() == 4096
                && b.order() == ByteOrder.BIG_ENDIAN, b);
        check("direct.owned", Rseq.owns(Checks.address(b)), Checks.address(b));
        b.putInt(0, 0x01020304);
        check("direct.big-endian", b.get(0) == 1 && b.get(3) == 4, b.get(0));
        ByteBuffer empty = ByteBuffer.allocateDirect(0);
        check("direct.zero-capacity", empty.capacity() == 0 && empty.isDirect(), empty);
        boolean iae = false;
        try {
            ByteBuffer.allocateDirect(-1);
        } catch (IllegalArgumentException e) {
            iae = true;
        }
        check("direct.negative", iae, "no IllegalArgumentException");
    }

    /**
     * Blocks the GC gave back come out zeroed again: each round's buffers are
     * dirtied and dropped, and the GC gives them back before the next round
     * (a rewritten buffer's memory is freed no sooner), which reuses some.
     */
    private static void reusedBlocksAreZeroed() throws InterruptedException {
        BufferPoolMXBean pool = directPool();
        Set<Long> dirtied = new HashSet<>();
        int[] reusedAndDirty = new int[2];
        for (int round = 0; round < 5; round++) {
            long used = pool.getMemoryUsed();
            allocateCheckAndDirty(dirtied, reusedAndDirty);
            Checks.gcUntil(() -> pool.getMemoryUsed() <= used);
        }
        check("direct.zeroed", reusedAndDirty[0] > 0 && reusedAndDirty[1] == 0,
                reusedAndDirty[0] + " blocks reused, " + reusedAndDirty[1] + " of them not zeroed");
    }

    /** 200 buffers of 4 KiB, in a frame of their own: none is reachable once it returns. */
    private static void allocateCheckAndDirty(Set<Long> dirtied, int[] reusedAndDirty) {
        for (int n = 0; n < 200; n++) {
            ByteBuffer c = ByteBuffer.allocateDirect(4096);
            boolean zero = true;
            for (int i = 0; i < 4096; i++) {
                zero &= c.get(i) == 0;
            }
            if (!dirtied.add(Checks.address(c))) {
                reusedAndDirty[0]++;
                reusedAndDirty[1] += zero ? 0 : 1;
            }
            for (int i = 0; i < 4096; i++) {
                c.put(i, (byte) 0xff); // dirty it before it goes back to the cache
            }
        }
    }

    private static void slicesKeepMemoryAlive() throws InterruptedException {
        ByteBuffer b = ByteBuffer.allocateDirect(8192);
        for (int i = 0; i < 8192; i++) {
            b.put(i, (byte) i);
        }
        ByteBuffer slice = b.slice(4096, 4096);
        ByteBuffer dup = b.duplicate();
        java.nio.LongBuffer view = b.asLongBuffer();
        long address = Checks.address(b);
        b = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            ByteBuffer churn = ByteBuffer.allocateDirect(8192); // would reuse the block if it had been freed
            for (int j = 0; j < 8192; j++) {
                churn.put(j, (byte) 0x55);
            }
        }
        boolean intact = Rseq.owns(address);
        for (int i = 0; i < 4096; i++) {
            intact &= slice.get(i) == (byte) (i + 4096);
        }
        intact &= dup.get(100) == (byte) 100 && view.get(0) == 0x0001020304050607L;
        check("direct.slices-keep-alive", intact, "a slice saw its memory freed");
    }

    private static void invokeCleanerIsHarmless() {
        ByteBuffer b = ByteBuffer.allocateDirect(1024);
        String outcome = "ok";
        try {
            Checks.UNSAFE.invokeCleaner(b);
        } catch (Throwable t) {
            outcome = t.toString();
        }
        b.put(0, (byte) 9);
        check("direct.invoke-cleaner", outcome.equals("ok") && b.get(0) == 9 && Rseq.owns(Checks.address(b)), outcome);
    }

    private static BufferPoolMXBean directPool() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool;
            }
        }
        throw new IllegalStateException("no direct pool");
    }

    /**
     * The agent's MXBean: what it counts of the direct buffers it serves. The
     * agent registers it within a second of JMX coming into use.
     */
    private static long agentAttribute(String name) {
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName agent = new javax.management.ObjectName("dev.rseqagent:type=RseqAgent");
            for (int i = 0; i < 100 && !server.isRegistered(agent); i++) {
                Thread.sleep(50);
            }
            return (Long) server.getAttribute(agent, name);
        } catch (javax.management.JMException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void poolAndReclaim() throws InterruptedException {
        BufferPoolMXBean pool = directPool();
        agentAttribute("DirectBuffersServed"); // first: what registering the MBean allocates is counted before
        Checks.gcUntil(() -> false);
        long used = pool.getMemoryUsed();
        long count = pool.getCount();
        long inUse = Rseq.allocatorStats().bytesInUse();
        long served = agentAttribute("DirectBuffersServed");
        long servedBytes = agentAttribute("DirectBytesServed");
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            held.add(ByteBuffer.allocateDirect(10_000));
        }
        check("direct.pool-counts", pool.getMemoryUsed() - used == 1_000_000 && pool.getCount() - count == 100,
                "used " + used + " -> " + pool.getMemoryUsed() + ", count " + count + " -> " + pool.getCount());
        long heldServed = agentAttribute("DirectBuffersServed");
        long heldBytes = agentAttribute("DirectBytesServed");
        check("direct.agent-counts", heldServed - served == 100 && heldBytes - servedBytes == 1_000_000,
                heldServed + " buffers, " + heldBytes + " bytes");
        held.clear();
        boolean back = Checks.gcUntil(() -> pool.getMemoryUsed() == used
                && Rseq.allocatorStats().bytesInUse() - inUse < 64 * 1024);
        check("direct.gc-returns", back, "pool " + pool.getMemoryUsed() + " vs " + used + ", shim in use "
                + Rseq.allocatorStats().bytesInUse() + " vs " + inUse);
        long afterServed = agentAttribute("DirectBuffersServed");
        long afterBytes = agentAttribute("DirectBytesServed");
        check("direct.agent-counts-return", afterServed == served && afterBytes == servedBytes,
                afterServed + " buffers, " + afterBytes + " bytes");
        ByteBuffer jdk = PlainMemory.allocateDirect(1000);
        check("direct.plain-package-untouched", !Rseq.owns(Checks.address(jdk)), Checks.address(jdk));
    }

    /** 10x the limit in short-lived buffers: the JDK's reclaim loop must see our buffers go. */
    private static void tenTimesTheLimit() {
        String outcome = "ok";
        try {
            for (int i = 0; i < 10 * 256; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
                b.put(0, (byte) 1);
            }
        } catch (OutOfMemoryError e) {
            outcome = e.toString();
        }
        check("direct.ten-times-limit", outcome.equals("ok"), outcome);
    }

    /**
     * One limit, two kinds of buffer: the JDK's own allocateDirect (a package not
     * opted in), meeting a limit filled by unreachable rewritten buffers, gets
     * their memory back through its own reclaim loop.
     */
    private static void theJdksLoopReclaimsRewrittenBuffers() {
        String outcome = "ok";
        try {
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 15; i++) {
                    ByteBuffer.allocateDirect(1 << 20).put(0, (byte) 1); // rewritten, dropped at once
                }
                for (int i = 0; i < 15; i++) {
                    PlainMemory.allocateDirect(1 << 20).put(0, (byte) 1); // the JDK's, dropped at once
                }
            }
        } catch (OutOfMemoryError e) {
            outcome = e.toString();
        }
        check("direct.jdk-loop-reclaims-ours", outcome.equals("ok"), outcome);
    }

    /**
     * Eight threads churning 4 KiB buffers through 40 times the limit: the
     * JDK's reclaim loop in each thread that meets the limit must find the
     * memory the last full collection found already back, and start none of
     * its own: about one full collection a limit's worth, as the JDK's own
     * buffers cost (racing threads add up to a quarter; memory given back
     * after reference processing added half to double). Not under ZGC and
     * Shenandoah: no full collection to count, and their concurrent cycles
     * let the JDK's loop give up on its own buffers too.
     */
    private static void threadsMeetingTheLimitTogether() throws InterruptedException {
        long before = fullCollections();
        if (before < 0) {
            return;
        }
        int threads = 8;
        int perThread = (int) (40 * LIMIT / 4096 / threads);
        boolean[] failed = new boolean[1];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        ByteBuffer.allocateDirect(4096).put(0, (byte) 1);
                    }
                } catch (OutOfMemoryError e) {
                    failed[0] = true;
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long full = fullCollections() - before;
        check("direct.a-full-collection-a-limit", !failed[0] && full <= 60,
                full + " full collections for 40 limits' worth" + (failed[0] ? "; an allocation failed" : ""));
    }

    /** Full collections so far (what System.gc() runs), or -1 under a collector that has none. */
    private static long fullCollections() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (List.of("G1 Old Generation", "MarkSweepCompact", "PS MarkSweep").contains(gc.getName())) {
                return gc.getCollectionCount();
            }
        }
        return -1;
    }

    private static void retainedPastTheLimit() {
        List<ByteBuffer> retained = new ArrayList<>();
        String message = null;
        try {
            for (long total = 0; total <= 2 * LIMIT; total += 1 << 20) {
                retained.add(ByteBuffer.allocateDirect(1 << 20));
            }
        } catch (OutOfMemoryError e) {
            message = e.getMessage();
        }
        check("direct.retained-past-limit", message != null && message.contains("direct buffer memory")
                && retained.size() <= 16, retained.size() + " buffers, " + message);
        retained.clear();
    }
}
