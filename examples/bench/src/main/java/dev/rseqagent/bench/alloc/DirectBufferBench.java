package dev.rseqagent.bench.alloc;

import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** allocateDirect of a short-lived buffer; GC and the JDK's reference processing reclaim it. */
@State(Scope.Thread)
public class DirectBufferBench {
    @Param({"4096"})
    public int size;

    @Benchmark
    public ByteBuffer allocateDirect() {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        b.put(0, (byte) 1);
        return b;
    }
}
