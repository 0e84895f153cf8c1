package dev.rseqagent.bench.alloc;

import dev.rseqagent.bench.TheUnsafe;

import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Producer/consumer: one thread allocates blocks and hands them over through
 * a single-producer single-consumer ring, the other frees them. Group
 * throughput counts both sides; a full or empty ring costs an op that does
 * no allocator work, the same with and without the agent.
 */
@State(Scope.Group)
public class HandoffBench {
    private static final int SLOTS = 1024;

    @Param({"64"})
    public int size;

    private final AtomicLongArray ring = new AtomicLongArray(SLOTS);
    private long head; // producer only
    private long tail; // consumer only

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public boolean produce() {
        int slot = (int) (head & (SLOTS - 1));
        if (ring.get(slot) != 0) {
            return false;
        }
        ring.lazySet(slot, TheUnsafe.UNSAFE.allocateMemory(size));
        head++;
        return true;
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public boolean consume() {
        int slot = (int) (tail & (SLOTS - 1));
        long p = ring.get(slot);
        if (p == 0) {
            return false;
        }
        ring.lazySet(slot, 0);
        tail++;
        TheUnsafe.UNSAFE.freeMemory(p);
        return true;
    }

    @TearDown
    public void drain() {
        for (int i = 0; i < SLOTS; i++) {
            long p = ring.getAndSet(i, 0);
            if (p != 0) {
                TheUnsafe.UNSAFE.freeMemory(p);
            }
        }
    }
}
