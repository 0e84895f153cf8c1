package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.check;

import dev.rseqagent.Rseq;
import dev.rseqagent.it.plain.PlainMemory;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/**
 * Under -Dsun.nio.PageAlignDirectMemory=true (what O_DIRECT I/O asks of the
 * JDK) a rewritten allocateDirect is page-aligned and counted as the JDK's own
 * buffer of that capacity is, and its memory comes back. Prints CHECK lines.
 */
public final class PageAlignedDirectApp {
    private static final int PAGE = Checks.UNSAFE.pageSize();

    public static void main(String[] args) throws Exception {
        BufferPoolMXBean pool = directPool();
        long used = pool.getMemoryUsed();
        long inUse = Rseq.allocatorStats().bytesInUse();
        ByteBuffer jdks = PlainMemory.allocateDirect(1000);
        long jdkCounts = pool.getMemoryUsed() - used;
        check("aligned.jdk", Checks.address(jdks) % PAGE == 0 && jdkCounts == 1000 + PAGE, jdkCounts);
        ByteBuffer ours = ByteBuffer.allocateDirect(1000);
        ByteBuffer next = ByteBuffer.allocateDirect(1000); // blocks of one size class lie side by side
        check("aligned.ours", Checks.address(ours) % PAGE == 0 && Checks.address(next) % PAGE == 0,
                Checks.address(ours) + ", " + Checks.address(next));
        next = null;
        check("aligned.counted-as-the-jdks", pool.getMemoryUsed() - used == 3 * jdkCounts, pool.getMemoryUsed() - used);
        check("aligned.shims", Rseq.allocatorStats().bytesInUse() - inUse >= 2 * (1000 + PAGE), Rseq.allocatorStats());
        boolean zero = true;
        for (int i = 0; i < ours.capacity(); i++) {
            zero &= ours.get(i) == 0;
        }
        ours.putLong(992, 42);
        check("aligned.contents", zero && ours.getLong(992) == 42, "not zeroed");
        jdks = null;
        ours = null;
        boolean back = Checks.gcUntil(() -> pool.getMemoryUsed() <= used
                && Rseq.allocatorStats().bytesInUse() - inUse < 1000);
        check("aligned.released", back, pool.getMemoryUsed() + " vs " + used + ", " + Rseq.allocatorStats());
        Checks.done();
    }

    private static BufferPoolMXBean directPool() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool;
            }
        }
        throw new IllegalStateException("no direct pool");
    }
}
