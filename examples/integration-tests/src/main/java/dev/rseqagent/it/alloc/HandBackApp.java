package dev.rseqagent.it.alloc;

import static dev.rseqagent.it.alloc.Checks.UNSAFE;

import dev.rseqagent.Rseq;
import dev.rseqagent.RseqThread;
import dev.rseqagent.examples.owner.RseqOwner;

/**
 * A thread the application hands back (Rseq.releaseCurrentThread) stays free
 * for a library: a rewritten allocation after that does not take it again,
 * so the example owner library can register there. Run with glibc's
 * registration off. Args: the owner library's path.
 */
public final class HandBackApp {
    public static void main(String[] args) {
        RseqOwner.load(args[0]);
        long first = UNSAFE.allocateMemory(64); // the allocator takes the thread
        step("allocated", Rseq.currentThread());
        step("released", Rseq.releaseCurrentThread());
        long second = UNSAFE.allocateMemory(64);
        step("allocated-again", Rseq.currentThread());
        System.out.println("REGISTER rc=" + RseqOwner.register0());
        step("library-registered", Rseq.currentThread());
        UNSAFE.freeMemory(first);
        UNSAFE.freeMemory(second);
        System.out.println("UNREGISTER rc=" + RseqOwner.unregister0());
        step("acquired", Rseq.acquireCurrentThread());
    }

    private static void step(String label, RseqThread t) {
        System.out.println("STEP " + label + " owner=" + t.owner() + " mode=" + t.mode().label());
    }
}
