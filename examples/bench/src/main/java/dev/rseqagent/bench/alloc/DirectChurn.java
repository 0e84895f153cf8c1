package dev.rseqagent.bench.alloc;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short-lived 4 KiB direct buffers, dropped at once, so that the JDK's
 * reclaim loop runs a full GC each time the direct-memory limit fills: what
 * run-gc.sh measures those GCs on. Args: buffers [threads, 1 by default],
 * shared among the threads. Prints wall-clock ns a buffer over the second
 * half (the first half warms up).
 */
public final class DirectChurn {
    private static final AtomicLong SUM = new AtomicLong();

    private DirectChurn() {
    }

    public static void main(String[] args) throws InterruptedException {
        int n = Integer.parseInt(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        churnInThreads(n / 2, threads);
        long start = System.nanoTime();
        churnInThreads(n - n / 2, threads);
        long elapsed = System.nanoTime() - start;
        System.out.printf("ns_per_buffer %.1f check %d%n", elapsed / (double) (n - n / 2), SUM.get());
    }

    private static void churnInThreads(int buffers, int threads) throws InterruptedException {
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int share = buffers / threads + (t < buffers % threads ? 1 : 0);
            workers[t] = new Thread(() -> SUM.addAndGet(churn(share)));
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    private static long churn(int buffers) {
        long sum = 0;
        for (int i = 0; i < buffers; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            b.put(0, (byte) 1);
            sum += b.get(4095); // zeroed: adds nothing
        }
        return sum;
    }
}
