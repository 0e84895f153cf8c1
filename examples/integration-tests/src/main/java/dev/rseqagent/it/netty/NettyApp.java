package dev.rseqagent.it.netty;

import static dev.rseqagent.it.alloc.Checks.check;

import dev.rseqagent.Rseq;
import dev.rseqagent.it.alloc.Checks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Netty's own buffers as a real workload. Run with packages=io.netty.util.internal:
 * Netty's no-cleaner direct buffers (PlatformDependent's Unsafe calls) then
 * come from the shim. The app checks its own results (CRC of every byte
 * written and read back), and that the memory really was the shim's.
 */
public final class NettyApp {
    public static void main(String[] args) throws Exception {
        check("netty.no-cleaner", PlatformDependent.useDirectBufferNoCleaner(), "Netty does not use no-cleaner buffers");
        long inUse = Rseq.allocatorStats().bytesInUse();
        unpooledRoundTrips();
        // <=: Netty may free a block of its start-up (allocated before inUse was read) meanwhile
        check("netty.unpooled.in-use-back", Rseq.allocatorStats().bytesInUse() <= inUse,
                inUse + " -> " + Rseq.allocatorStats());
        pooledAcrossThreads();
        Checks.done();
    }

    /** Unpooled direct buffers: written, composed, grown (reallocateDirectNoCleaner), read back, released. */
    private static void unpooledRoundTrips() {
        Random random = new Random(42);
        boolean owned = true;
        boolean intact = true;
        for (int round = 0; round < 200; round++) {
            List<ByteBuf> parts = new ArrayList<>();
            CRC32 written = new CRC32();
            for (int i = 0; i < 8; i++) {
                ByteBuf part = Unpooled.directBuffer(16 + random.nextInt(64 * 1024));
                owned &= Rseq.owns(part.memoryAddress());
                byte[] data = new byte[part.capacity()];
                random.nextBytes(data);
                part.writeBytes(data);
                written.update(data);
                parts.add(part);
            }
            ByteBuf grown = parts.get(0);
            int before = grown.readableBytes();
            grown.capacity(before * 3); // Netty reallocates the memory under the buffer
            owned &= Rseq.owns(grown.memoryAddress());
            CompositeByteBuf composite = Unpooled.compositeBuffer();
            composite.addComponents(true, parts.toArray(new ByteBuf[0]));
            byte[] all = new byte[composite.readableBytes()];
            composite.readBytes(all);
            CRC32 read = new CRC32();
            read.update(all);
            intact &= read.getValue() == written.getValue();
            composite.release();
        }
        check("netty.unpooled.owned", owned, "a no-cleaner buffer's memory is not the shim's");
        check("netty.unpooled.crc", intact, "bytes read back differ from bytes written");
    }

    /** A pooled allocator's arenas (chunks from the shim) under four threads passing buffers around. */
    private static void pooledAcrossThreads() throws InterruptedException {
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
        long inUseBefore = Rseq.allocatorStats().bytesInUse();
        boolean[] intact = {true, true, true, true};
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                Random random = new Random(id);
                for (int i = 0; i < 20_000; i++) {
                    ByteBuf buf = allocator.directBuffer(64 + random.nextInt(16 * 1024));
                    long seed = random.nextLong();
                    int n = buf.capacity() / 8;
                    for (int j = 0; j < n; j++) {
                        buf.writeLong(seed + j);
                    }
                    for (int j = 0; j < n; j++) {
                        intact[id] &= buf.readLong() == seed + j;
                    }
                    buf.release();
                }
            }, "netty-worker-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long held = Rseq.allocatorStats().bytesInUse() - inUseBefore;
        check("netty.pooled.contents", intact[0] && intact[1] && intact[2] && intact[3], "a pooled buffer lost data");
        check("netty.pooled.chunks-from-shim", held >= allocator.metric().chunkSize(),
                "shim bytes held by the pool: " + held + ", chunk size " + allocator.metric().chunkSize());
    }
}
