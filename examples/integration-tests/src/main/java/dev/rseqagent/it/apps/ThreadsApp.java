package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;
import dev.rseqagent.RseqCounters;
import dev.rseqagent.RseqThread;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts a pool of worker threads. Each worker's first statement prints
 * "FIRST &lt;name&gt;" to stderr, where the agent's lines also go. With "acquire",
 * each worker asks the agent for rseq, and main waits until every area the
 * agent registered was unregistered again at thread exit.
 */
public final class ThreadsApp {
    private static final int WORKERS = 4;

    public static void main(String[] args) throws Exception {
        boolean acquire = args.length > 0 && args[0].equals("acquire");
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS, r -> new Thread(r, "worker-" + n.incrementAndGet()));
        for (int i = 0; i < WORKERS; i++) {
            pool.submit(() -> {
                System.err.println("FIRST " + Thread.currentThread().getName());
                if (acquire) {
                    state(Rseq.acquireCurrentThread());
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("workers did not finish");
        }
        if (Rseq.isActive()) {
            state(Rseq.currentThread());
            System.out.println("PROCESS " + Rseq.process());
        }
        if (acquire) {
            System.out.println(settledCounters());
        }
        System.out.println("DONE");
    }

    private static void state(RseqThread t) {
        System.out.println("STATE " + Thread.currentThread().getName() + " " + t.owner() + " " + t.mode().label());
    }

    /** Thread exit runs after Java's join: wait (bounded) for the shim's destructors. */
    private static String settledCounters() throws InterruptedException {
        RseqCounters c = Rseq.counters();
        for (int i = 0; i < 100 && c.registrations() != c.unregistrations(); i++) {
            Thread.sleep(50);
            c = Rseq.counters();
        }
        return "COUNTERS registrations=" + c.registrations() + " unregistrations=" + c.unregistrations();
    }
}
