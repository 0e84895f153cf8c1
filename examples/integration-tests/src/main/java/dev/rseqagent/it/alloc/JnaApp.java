package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.check;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.rseqagent.Rseq;

/** JNA's Native.malloc/free in an opted-in package (with jna=on). Prints CHECK lines. */
public final class JnaApp {
    public static void main(String[] args) {
        boolean expectRewritten = args.length > 0 && args[0].equals("rewritten");
        long inUse = Rseq.allocatorStats().bytesInUse();
        long p = Native.malloc(128);
        check("jna.malloc.owned", Rseq.owns(p) == expectRewritten, p);
        Checks.UNSAFE.putLong(p, 7);
        check("jna.contents", Checks.UNSAFE.getLong(p) == 7, p);
        Native.free(p);
        check("jna.free", Rseq.allocatorStats().bytesInUse() == inUse, Rseq.allocatorStats());
        long before = Rseq.allocatorStats().hits();
        for (int i = 0; i < 1000; i++) {
            Native.free(Native.malloc(100));
        }
        check("jna.cache.hits", (Rseq.allocatorStats().hits() - before >= 900) == expectRewritten,
                Rseq.allocatorStats().hits() - before);
        Memory memory = new Memory(64); // JNA's own classes are not opted in: libc memory
        check("jna.memory-untouched", !Rseq.owns(memoryAddress(memory)), memory);
        Checks.done();
    }

    private static long memoryAddress(Memory m) {
        return com.sun.jna.Pointer.nativeValue(m);
    }
}
