package dev.rseqagent.examples.demo;

import dev.rseqagent.Rseq;
import dev.rseqagent.RseqThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A small multi-threaded application. Run it under the agent and each thread's
 * rseq owner is logged as the thread starts; each worker then asks the agent
 * to make rseq usable on it and prints what it got.
 */
public final class Demo {
    private static final int WORKERS = 4;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("demo: " + WORKERS + " workers, rseq-agent " + agentState());
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                results.add(pool.submit(Demo::work));
            }
            for (Future<String> result : results) {
                System.out.println(result.get());
            }
        } finally {
            pool.shutdown();
        }
        if (agentActive()) {
            System.out.println("demo: " + Rseq.counters());
        }
    }

    private static String work() {
        long sum = 0;
        for (int i = 0; i < 1_000_000; i++) {
            sum += i % 7;
        }
        String name = Thread.currentThread().getName();
        if (!agentActive()) {
            return name + ": checksum " + sum;
        }
        RseqThread state = Rseq.acquireCurrentThread();
        return name + ": checksum " + sum + ", owner " + state.owner() + ", mode " + state.mode().label()
                + ", cpu index " + state.cpuIndexSource().label();
    }

    private static boolean agentActive() {
        try {
            return Rseq.isActive();
        } catch (NoClassDefFoundError notAttached) {
            return false;
        }
    }

    private static String agentState() {
        try {
            return Rseq.isActive() ? "active" : "inactive (" + Rseq.unavailabilityCause() + ")";
        } catch (NoClassDefFoundError notAttached) {
            return "not attached";
        }
    }
}
