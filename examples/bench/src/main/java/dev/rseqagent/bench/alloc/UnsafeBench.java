package dev.rseqagent.bench.alloc;

import dev.rseqagent.bench.TheUnsafe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Unsafe allocate + free of one block: rewritten when this package is opted in. */
@State(Scope.Thread)
public class UnsafeBench {
    @Param({"64", "4096"})
    public int size;

    @Benchmark
    public long allocateFree() {
        long p = TheUnsafe.UNSAFE.allocateMemory(size);
        TheUnsafe.UNSAFE.freeMemory(p);
        return p;
    }
}
