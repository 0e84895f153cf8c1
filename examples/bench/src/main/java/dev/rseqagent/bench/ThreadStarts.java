package dev.rseqagent.bench;

/**
 * Starts and joins threads one after another and prints the mean nanoseconds
 * per start+join of the last N (after a warm-up). Args: warm-up, N.
 */
public final class ThreadStarts {
    public static void main(String[] args) throws InterruptedException {
        int warmup = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        startJoin(warmup);
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
}
