package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;
import java.lang.management.ManagementFactory;

/**
 * Starts N threads as fast as it can (well over 100 a second), then asks for
 * rseq on main, a transition that must be logged however many first
 * sightings are being summarised. Prints how many threads had allocated
 * nothing on the Java heap by their first statement (the agent's deferred
 * first sightings run none of its Java code on the new thread). Args: N.
 */
public final class ThreadStormApp {
    public static void main(String[] args) throws InterruptedException {
        int n = Integer.parseInt(args[0]);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.getCurrentThreadAllocatedBytes(); // resolved here, not on the storm's threads
        long[] allocatedAtStart = new long[n];
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int slot = i;
            threads[i] = new Thread(() -> allocatedAtStart[slot] = mx.getCurrentThreadAllocatedBytes(), "storm-" + i);
            threads[i].start();
        }
        int allocatedNothing = 0;
        for (int i = 0; i < n; i++) {
            threads[i].join();
            allocatedNothing += allocatedAtStart[i] == 0 ? 1 : 0;
        }
        System.out.println("ALLOCATED_NOTHING " + allocatedNothing);
        System.out.println("STATE main " + Rseq.acquireCurrentThread().owner());
    }
}
