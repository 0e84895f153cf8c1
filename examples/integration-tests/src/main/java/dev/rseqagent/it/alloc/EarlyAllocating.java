package dev.rseqagent.it.alloc;

import dev.rseqagent.Rseq;

/** Loaded by EarlyLoaderAgent before rseq-agent's premain; its call is rewritten by retransformation. */
public final class EarlyAllocating {
    private EarlyAllocating() {
    }

    public static void main(String[] args) {
        long p = Checks.UNSAFE.allocateMemory(48);
        Checks.check("early.retransformed", Rseq.owns(p), p);
        Checks.UNSAFE.freeMemory(p);
        Checks.done();
    }
}
