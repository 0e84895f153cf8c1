package dev.rseqagent.boot;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The direct buffers rewritten code made and the agent has not yet released:
 * one phantom reference a buffer, kept reachable in a slot of a striped array
 * table until the buffer is released.
 *
 * <p>Why not {@code jdk.internal.ref.Cleaner}, as the JDK's own buffers: that
 * is two objects a buffer (the Cleaner and its action) on one global linked
 * list, and the full GC the JDK's reclaim loop starts marks and moves all of
 * them. With 64 Ki dead 4 KiB buffers a GC (256 MiB limit, JDK 17), one
 * object a buffer in an array took those full GCs from ~28 ms to ~20 ms, the
 * JDK's own buffers' ~24 ms (examples/bench/run-gc.sh).
 */
final class LiveDirectBuffers {
    /** Where the GC's reference processing puts the references of unreachable buffers. */
    static final ReferenceQueue<ByteBuffer> UNREACHABLE = new ReferenceQueue<>();
    private static final Stripe[] STRIPES = stripes();
    private static final int STRIPE_MASK = STRIPES.length - 1;

    private LiveDirectBuffers() {
    }

    /** At least two stripes a CPU, a power of two: a thread contends with few others and with the releaser. */
    private static Stripe[] stripes() {
        int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1);
        Stripe[] stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        return stripes;
    }

    /** A buffer's memory: what its release gives back. */
    static final class Ref extends PhantomReference<ByteBuffer> {
        final long block; // the shim block: the buffer's address, or below it when page-aligned
        final int capacity;
        private final Stripe stripe;
        private int slot; // guarded by stripe

        private Ref(ByteBuffer buffer, long block, int capacity, Stripe stripe) {
            super(buffer, UNREACHABLE);
            this.block = block;
            this.capacity = capacity;
            this.stripe = stripe;
        }
    }

    /** Tracks buffer until the GC finds it unreachable; its Ref then comes off {@link #UNREACHABLE}. */
    static void track(ByteBuffer buffer, long block, int capacity) {
        Stripe stripe = STRIPES[System.identityHashCode(Thread.currentThread()) & STRIPE_MASK];
        stripe.add(new Ref(buffer, block, capacity, stripe));
    }

    /** pre: ref came off {@link #UNREACHABLE} and its memory is released. */
    static void untrack(Ref ref) {
        ref.stripe.remove(ref);
    }

    /** Buffers tracked now. */
    static long buffers() {
        long n = 0;
        for (Stripe s : STRIPES) {
            n += s.buffers();
        }
        return n;
    }

    /** Their capacity in bytes. */
    static long bytes() {
        long n = 0;
        for (Stripe s : STRIPES) {
            n += s.bytes();
        }
        return n;
    }

    /** Slots of references, a stack of the free ones, and what the taken ones hold. */
    private static final class Stripe {
        private Ref[] slots = new Ref[64];
        private int[] freeSlots = new int[64];
        private int freeCount;
        private int used; // slots[0, used) have been handed out at least once
        private long bytes;

        synchronized void add(Ref ref) {
            int slot;
            if (freeCount > 0) {
                slot = freeSlots[--freeCount];
            } else {
                if (used == slots.length) {
                    slots = Arrays.copyOf(slots, used * 2);
                    freeSlots = Arrays.copyOf(freeSlots, used * 2);
                }
                slot = used++;
            }
            slots[slot] = ref;
            ref.slot = slot;
            bytes += ref.capacity;
        }

        synchronized void remove(Ref ref) {
            slots[ref.slot] = null;
            freeSlots[freeCount++] = ref.slot;
            bytes -= ref.capacity;
        }

        synchronized long buffers() {
            return used - freeCount;
        }

        synchronized long bytes() {
            return bytes;
        }
    }
}
