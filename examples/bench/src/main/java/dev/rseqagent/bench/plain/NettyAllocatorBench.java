package dev.rseqagent.bench.plain;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Netty's Java-side pooling, for reference beside the per-CPU caches (no agent). */
@State(Scope.Benchmark)
public class NettyAllocatorBench {
    @Param({"pooled", "adaptive"})
    public String allocator;

    @Param({"64", "4096"})
    public int size;

    private ByteBufAllocator alloc;

    @Setup
    public void setUp() {
        alloc = allocator.equals("pooled") ? new PooledByteBufAllocator(true) : new AdaptiveByteBufAllocator(true, true);
    }

    @Benchmark
    public ByteBuf directBufferRelease() {
        ByteBuf b = alloc.directBuffer(size);
        b.release();
        return b;
    }
}
