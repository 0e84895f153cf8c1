package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.UNSAFE;

import dev.rseqagent.Rseq;
import java.nio.ByteBuffer;

/**
 * A short workload for an AOT cache's training run and the runs that use the
 * cache: Unsafe and allocateDirect, contents checked; says whether the shim
 * served the calls ("SHIM true") or the JDK did.
 */
public final class AotTrainedApp {
    public static void main(String[] args) {
        boolean shim = true;
        boolean contents = true;
        for (int i = 0; i < 1000; i++) {
            long p = UNSAFE.allocateMemory(64);
            UNSAFE.putLong(p + 56, i);
            ByteBuffer b = ByteBuffer.allocateDirect(4096).putLong(4088, i);
            shim &= Rseq.owns(p) && Rseq.owns(Checks.address(b));
            contents &= UNSAFE.getLong(p + 56) == i && b.getLong(4088) == i;
            UNSAFE.freeMemory(p);
        }
        Checks.check("aot.contents", contents, "a value read back differs");
        System.out.println("SHIM " + shim);
        Checks.done();
    }
}
