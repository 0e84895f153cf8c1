package dev.rseqagent.boot;

import java.util.concurrent.atomic.LongAdder;

/**
 * The direct buffers rewritten code made and the agent has not yet released:
 * how many, how many bytes, and what each one's release gives back.
 *
 * <p>Each buffer has a {@code jdk.internal.ref.Cleaner}, as the JDK's own
 * buffers do, whose action is the buffer's {@link Memory}. The JDK's Reference
 * Handler runs it while it processes what a GC found, so the memory is back
 * before the JDK's reclaim loop stops waiting for reference processing.
 * (Phantom references drained by a thread of the agent's gave it back later:
 * threads that met the limit meanwhile started a full GC each, 184 instead of
 * the JDK's 60 with 8 threads churning 4 KiB buffers; examples/bench/run-gc.sh.)
 * The price is the JDK's own: two objects a buffer on the JDK's one list of
 * cleaners, which a full GC marks as a chain (12-14 ms a GC for 64 Ki dead
 * buffers here, against 10-11 ms with one phantom reference a buffer in arrays).
 */
final class LiveDirectBuffers {
    private static final LongAdder BUFFERS = new LongAdder();
    private static final LongAdder BYTES = new LongAdder();

    private LiveDirectBuffers() {
    }

    /** A buffer's memory, given back once by its cleaner. */
    static final class Memory implements Runnable {
        final long block; // the shim block: the buffer's address, or below it when page-aligned
        final int capacity;

        Memory(long block, int capacity) {
            this.block = block;
            this.capacity = capacity;
        }

        @Override
        public void run() {
            try {
                DirectBuffers.release(this);
            } catch (Throwable cannotHappen) {
                // release never throws; a throw out of a cleaner's action would make the JDK exit the VM
            }
        }
    }

    /** pre: memory is the action of its buffer's cleaner. */
    static void track(Memory memory) {
        BUFFERS.increment();
        BYTES.add(memory.capacity);
    }

    /** pre: memory's block has gone back to the shim. */
    static void untrack(Memory memory) {
        BUFFERS.decrement();
        BYTES.add(-memory.capacity);
    }

    /** Buffers tracked now. */
    static long buffers() {
        return BUFFERS.sum();
    }

    /** Their capacity in bytes. */
    static long bytes() {
        return BYTES.sum();
    }
}
