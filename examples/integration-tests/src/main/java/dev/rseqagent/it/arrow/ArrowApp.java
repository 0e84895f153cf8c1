package dev.rseqagent.it.arrow;

import static dev.rseqagent.it.alloc.Checks.check;

import dev.rseqagent.Rseq;
import dev.rseqagent.it.alloc.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;

/**
 * Apache Arrow's allocators as a real workload, its modules on the module
 * path (named modules of a real library). Run with
 * -Darrow.allocation.manager.type=Unsafe and packages=org.apache.arrow.memory.util:
 * Arrow's MemoryUtil then takes its memory from the shim. The app checks its
 * own results (sums written and read back), Arrow's accounting (limits,
 * transfers, nothing leaked at close) and that the memory was the shim's.
 */
public final class ArrowApp {
    public static void main(String[] args) throws InterruptedException {
        check("arrow.named-module", RootAllocator.class.getModule().isNamed(), RootAllocator.class.getModule());
        long inUse = Rseq.allocatorStats().bytesInUse();
        try (RootAllocator root = new RootAllocator(64L << 20)) {
            buffersOfEverySize(root);
            childLimits(root);
            transfers(root);
            check("arrow.root-empty", root.getAllocatedMemory() == 0, root.toVerboseString());
        } // close() throws if Arrow found a leak
        // MemoryUtil's class initialiser drops a 1-byte direct buffer: its memory comes back once it is collected
        check("arrow.in-use-back", Checks.gcUntil(() -> Rseq.allocatorStats().bytesInUse() <= inUse),
                inUse + " -> " + Rseq.allocatorStats());
        Checks.done();
    }

    /** 64 B to 1 MiB, written and summed through Arrow's accessors; each buffer's memory the shim's. */
    private static void buffersOfEverySize(BufferAllocator root) {
        Random random = new Random(7);
        boolean owned = true;
        long expected = 0;
        long read = 0;
        List<ArrowBuf> live = new ArrayList<>();
        try (BufferAllocator child = root.newChildAllocator("sizes", 0, 48L << 20)) {
            for (int i = 0; i < 400; i++) {
                int ints = 16 << random.nextInt(15); // 64 B .. 1 MiB
                ArrowBuf buf = child.buffer(4L * ints);
                owned &= Rseq.owns(buf.memoryAddress());
                for (int j = 0; j < ints; j++) {
                    int v = random.nextInt();
                    buf.setInt(4L * j, v);
                    expected += v;
                }
                for (int j = 0; j < ints; j++) {
                    read += buf.getInt(4L * j);
                }
                live.add(buf);
                if (live.size() > 8) {
                    live.remove(random.nextInt(live.size())).close();
                }
            }
            live.forEach(ArrowBuf::close);
            check("arrow.sizes.sums", read == expected, read + " != " + expected);
            check("arrow.sizes.owned", owned, "a buffer's memory was not the shim's");
            check("arrow.sizes.child-empty", child.getAllocatedMemory() == 0, child.toVerboseString());
        }
    }

    /** Arrow's own limit on a child allocator holds: its OutOfMemoryException, then room again once released. */
    private static void childLimits(BufferAllocator root) {
        try (BufferAllocator child = root.newChildAllocator("limited", 0, 4L << 20)) {
            List<ArrowBuf> held = new ArrayList<>();
            String outcome = "no error";
            try {
                for (int i = 0; i < 8; i++) {
                    held.add(child.buffer(1L << 20));
                }
            } catch (OutOfMemoryException e) {
                outcome = "refused after " + held.size();
            }
            check("arrow.limit", outcome.equals("refused after 4"), outcome);
            held.forEach(ArrowBuf::close);
            ArrowBuf again = child.buffer(1L << 20);
            check("arrow.limit.room-again", Rseq.owns(again.memoryAddress()), again);
            again.close();
        }
    }

    /** A buffer's ownership moves between allocators; its memory and contents stay, freed once, by its last owner. */
    private static void transfers(BufferAllocator root) {
        try (BufferAllocator from = root.newChildAllocator("from", 0, 8L << 20);
                BufferAllocator to = root.newChildAllocator("to", 0, 8L << 20)) {
            ArrowBuf original = from.buffer(256 << 10);
            for (long i = 0; i < original.capacity(); i += 8) {
                original.setLong(i, i * 31);
            }
            ArrowBuf slice = original.slice(4096, 8192);
            ArrowBuf moved = original.getReferenceManager().transferOwnership(original, to).getTransferredBuffer();
            original.close();
            boolean intact = moved.memoryAddress() == slice.memoryAddress() - 4096;
            for (long i = 0; i < moved.capacity(); i += 8) {
                intact &= moved.getLong(i) == i * 31;
            }
            check("arrow.transfer.intact", intact, "contents or address changed");
            check("arrow.transfer.accounted", from.getAllocatedMemory() == 0 && to.getAllocatedMemory() >= 256 << 10,
                    from.getAllocatedMemory() + " / " + to.getAllocatedMemory());
            check("arrow.transfer.owned", Rseq.owns(moved.memoryAddress()), moved);
            moved.close();
        }
    }
}
