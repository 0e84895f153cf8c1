package dev.rseqagent.bench;

import java.util.Arrays;

/**
 * Starts and joins threads one after another and prints nanoseconds per
 * start+join. Args: warm-up, N[, gap ms]. Without a gap: back to back, the
 * mean of the last N after the warm-up (thousands a second: the agent
 * summarises their first sightings). With a gap: N threads that far apart
 * (under 100 a second: every first sighting is printed on its thread), the
 * median of the N, each timed alone.
 */
public final class ThreadStarts {
    public static void main(String[] args) throws InterruptedException {
        int warmup = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        long gapMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        startJoin(warmup);
        if (gapMillis > 0) {
            System.out.println(medianApart(n, gapMillis));
            return;
        }
        long t0 = System.nanoTime();
        startJoin(n);
        System.out.println((System.nanoTime() - t0) / n);
    }

    private static void startJoin(int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> { }, "bench-" + i);
            t.start();
            t.join();
        }
    }

    private static long medianApart(int count, long gapMillis) throws InterruptedException {
        long[] each = new long[count];
        for (int i = 0; i < count; i++) {
            Thread.sleep(gapMillis);
            long t0 = System.nanoTime();
            startJoin(1);
            each[i] = System.nanoTime() - t0;
        }
        Arrays.sort(each);
        return each[count / 2];
    }
}
