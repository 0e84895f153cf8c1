package dev.rseqagent.bench.alloc;

import java.nio.ByteBuffer;

/**
 * Short-lived 4 KiB direct buffers, dropped at once, so that the JDK's
 * reclaim loop runs a full GC each time the direct-memory limit fills: what
 * run-gc.sh measures those GCs on. Args: buffers. Prints ns a buffer over the
 * second half (the first half warms up).
 */
public final class DirectChurn {
    private DirectChurn() {
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        long sum = churn(n / 2);
        long start = System.nanoTime();
        sum += churn(n - n / 2);
        long elapsed = System.nanoTime() - start;
        System.out.printf("ns_per_buffer %.1f check %d%n", elapsed / (double) (n - n / 2), sum);
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
