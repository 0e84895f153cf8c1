package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.UNSAFE;

import dev.rseqagent.Rseq;
import dev.rseqagent.RseqCounters;
import dev.rseqagent.RseqThread;
import dev.rseqagent.examples.owner.RseqOwner;

/**
 * A native thread of the example owner library's own, attached to the JVM
 * three times to call back into rewritten code (as native runtimes call Java
 * listeners), detached in between; the library registers rseq on it before
 * the attach the second argument names (0: from the start, 1: after the
 * first detach, -1: never).
 * Args: the owner library's path, that attach.
 */
public final class NativeWorkerApp {
    public static void main(String[] args) {
        RseqOwner.load(args[0]);
        int rc = RseqOwner.runWorker0(NativeWorkerApp.class, "callback", 3, Integer.parseInt(args[1]));
        System.out.println("WORKER rc=" + rc);
        RseqCounters c = Rseq.counters();
        System.out.println("COUNTERS registrations=" + c.registrations() + " unregistrations=" + c.unregistrations()
                + " foreignTakes=" + c.foreignRefcountTakes() + " foreignGives=" + c.foreignRefcountGives());
    }

    /** Called on the worker, once per attach: a rewritten allocation there reaches the caches. */
    static void callback(int round) {
        System.err.println("FIRST owner-worker " + round);
        long p = UNSAFE.allocateMemory(64);
        UNSAFE.putLong(p, round);
        boolean owned = Rseq.owns(p) && UNSAFE.getLong(p) == round;
        RseqThread t = Rseq.currentThread();
        UNSAFE.freeMemory(p);
        System.out.println("STEP " + round + " thread=" + Thread.currentThread().getName() + " owner=" + t.owner()
                + " mode=" + t.mode().label() + " held=" + t.holdingForeignRefcount() + " owned=" + owned
                + " refcount=" + RseqOwner.refcount0());
    }
}
