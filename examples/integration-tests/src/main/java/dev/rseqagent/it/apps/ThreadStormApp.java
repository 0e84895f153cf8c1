package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;

/**
 * Starts N threads as fast as it can (well over 100 a second), then asks for
 * rseq on main, a transition that must be logged however many first
 * sightings are being summarised. Args: N.
 */
public final class ThreadStormApp {
    public static void main(String[] args) throws InterruptedException {
        int n = Integer.parseInt(args[0]);
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = new Thread(() -> { }, "storm-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("STATE main " + Rseq.acquireCurrentThread().owner());
    }
}
