package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.UNSAFE;
import static dev.rseqagent.it.alloc.Checks.check;

import com.sun.jna.Native;
import dev.rseqagent.Rseq;
import dev.rseqagent.it.plain.PlainMemory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewritten allocations past what the allocator's arena holds: "full" (a
 * small arena set by the test seam RSEQAGENT_ARENA_BYTES, jna=on) fills it and
 * checks every call kind still succeeds, served by the JDK (libc for JNA),
 * and that frees make room again; "limited" (under ulimit -v) allocates far
 * more than the arena holds and starts threads, as an application would
 * without the agent; "sizes" prints this JVM's address space and private
 * writable mappings (VmSize and VmData lines, kB).
 * Prints CHECK lines.
 */
public final class ArenaFullApp {
    private static final long MIB = 1 << 20;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "full":
                full();
                break;
            case "limited":
                limited();
                break;
            default:
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmSize:") || line.startsWith("VmData:")) {
                        System.out.println(line);
                    }
                }
                return;
        }
        Checks.done();
    }

    private static void full() throws InterruptedException {
        long inUse = Rseq.allocatorStats().bytesInUse();
        long large = Rseq.allocatorStats().largeAllocations();
        List<Long> blocks = new ArrayList<>();
        long elsewhere = 0;
        for (int i = 0; i < 64 && elsewhere == 0; i++) { // 64 MiB: more than the test's arena
            long p = UNSAFE.allocateMemory(MIB);
            UNSAFE.putLong(p + MIB - 8, i);
            blocks.add(p);
            elsewhere = Rseq.owns(p) ? 0 : p;
        }
        check("full.unsafe.served", elsewhere != 0 && UNSAFE.getLong(elsewhere + MIB - 8) == blocks.size() - 1,
                blocks.size());
        check("full.unsafe.first-was-the-shims", Rseq.owns(blocks.get(0)), blocks.get(0));
        check("full.large.counted", Rseq.allocatorStats().largeAllocations() - large == blocks.size() - 1,
                Rseq.allocatorStats() + " for " + (blocks.size() - 1) + " blocks of 1 MiB");
        long small = smallBlocks(blocks);
        check("full.small.served", small != 0, "every 64 B block from the arena");
        grownOutOfTheArena(blocks);
        directBuffer();
        jnaBlock();
        for (long p : blocks) {
            UNSAFE.freeMemory(p); // the shim's to the shim, the JDK's to the JDK (NMT aborts on a wrong one)
        }
        check("full.frees.return", Rseq.allocatorStats().bytesInUse() - inUse < MIB, Rseq.allocatorStats());
        long again = UNSAFE.allocateMemory(MIB);
        check("full.room.again", Rseq.owns(again), again);
        UNSAFE.freeMemory(again);
        Thread.sleep(1500); // the agent looks once a second, and says so once
    }

    /** 64 B blocks until one is not the arena's (or 10 MiB of them); returns that one or 0. */
    private static long smallBlocks(List<Long> blocks) {
        for (int i = 0; i < 160_000; i++) {
            long p = UNSAFE.allocateMemory(64);
            UNSAFE.putLong(p, i);
            blocks.add(p);
            if (!Rseq.owns(p)) {
                return UNSAFE.getLong(p) == i ? p : 0;
            }
        }
        return 0;
    }

    /** A shim block grown past what the arena holds moves, contents and all. */
    private static void grownOutOfTheArena(List<Long> blocks) {
        long p = blocks.get(0);
        UNSAFE.putLong(p, 0x5eed);
        long q = UNSAFE.reallocateMemory(p, 48 * MIB);
        blocks.set(0, q);
        check("full.realloc.moved", q != 0 && !Rseq.owns(q), q);
        check("full.realloc.kept", UNSAFE.getLong(q) == 0x5eed && UNSAFE.getLong(q + MIB - 8) == 0, q);
        UNSAFE.putLong(q + 48 * MIB - 8, 1);
        long r = UNSAFE.reallocateMemory(q, 49 * MIB); // the JDK's block stays the JDK's
        blocks.set(0, r);
        check("full.realloc.again", UNSAFE.getLong(r) == 0x5eed && UNSAFE.getLong(r + 48 * MIB - 8) == 1, r);
        long s = blocks.get(1); // a shim block, grown by code that is not rewritten: the JDK's guard moves it
        UNSAFE.putLong(s, 0xfeed);
        long t = PlainMemory.reallocate(UNSAFE, s, 40 * MIB);
        blocks.set(1, t);
        check("full.realloc.not-rewritten", !Rseq.owns(t) && UNSAFE.getLong(t) == 0xfeed, t);
    }

    private static void directBuffer() {
        ByteBuffer b = ByteBuffer.allocateDirect(40 << 20);
        boolean zero = b.getLong(0) == 0 && b.getLong(b.capacity() - 8) == 0;
        b.putLong(8, 77);
        check("full.direct.served", b.isDirect() && zero && b.getLong(8) == 77 && !Rseq.owns(Checks.address(b)), b);
    }

    private static void jnaBlock() {
        long p = Native.malloc(40 << 20);
        check("full.jna.served", p != 0 && !Rseq.owns(p), p);
        UNSAFE.putLong(p, 5);
        check("full.jna.contents", UNSAFE.getLong(p) == 5, p);
        Native.free(p); // libc's, back to libc
    }

    /** Far more than the arena holds under the test's limit, and threads: what the JVM needs room for. */
    private static void limited() throws InterruptedException {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 64; i++) { // 512 MiB
            long p = UNSAFE.allocateMemory(8 * MIB);
            UNSAFE.putLong(p + 8 * MIB - 8, i);
            blocks.add(p);
        }
        boolean kept = true;
        for (int i = 0; i < blocks.size(); i++) {
            kept &= UNSAFE.getLong(blocks.get(i) + 8 * MIB - 8) == i;
        }
        check("limited.allocated", kept, blocks.size());
        check("limited.some-in-the-arena", blocks.stream().anyMatch(Rseq::owns), "none");
        Thread[] threads = new Thread[64];
        long[] served = new long[threads.length];
        for (int i = 0; i < threads.length; i++) {
            int n = i;
            threads[i] = new Thread(() -> {
                long p = UNSAFE.allocateMemory(256);
                served[n] = p;
                UNSAFE.freeMemory(p);
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        check("limited.threads", java.util.Arrays.stream(served).allMatch(p -> p != 0), "a thread allocated nothing");
        blocks.forEach(UNSAFE::freeMemory);
    }

}
