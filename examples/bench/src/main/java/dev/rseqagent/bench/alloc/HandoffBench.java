package dev.rseqagent.bench.alloc;

import dev.rseqagent.bench.TheUnsafe;

import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Producer/consumer: one thread allocates blocks and hands them over through
 * a single-producer single-consumer ring, the other frees them. The score
 * that counts is the secondary result "handoffs": blocks freed by the
 * consumer per microsecond (an attempt on a full or empty ring is an op but
 * no handoff, so the primary score rewards the slower allocator's spinning).
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

    /** Blocks that went through: JMH reports them per microsecond. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Handoffs {
        public long handoffs;
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public boolean consume(Handoffs counted) {
        int slot = (int) (tail & (SLOTS - 1));
        long p = ring.get(slot);
        if (p == 0) {
            return false;
        }
        ring.lazySet(slot, 0);
        tail++;
        TheUnsafe.UNSAFE.freeMemory(p);
        counted.handoffs++;
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
