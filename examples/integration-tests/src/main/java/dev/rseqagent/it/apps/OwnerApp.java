package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;
import dev.rseqagent.RseqThread;
import dev.rseqagent.examples.owner.RseqOwner;

/**
 * Loads the example rseq-owning library with System.load and walks the
 * ownership protocol on main, after the agent's start probe.
 * Args: library path, then "protocol" or "variant".
 */
public final class OwnerApp {
    public static void main(String[] args) {
        RseqOwner.load(args[0]);
        if (args[1].equals("protocol")) {
            protocol();
        } else {
            variant();
        }
        System.out.println("DONE");
    }

    /** The standard owner: refcount taken, kept, given back; then the owner leaves on its own. */
    private static void protocol() {
        step("start", Rseq.currentThread());
        check(RseqOwner.register0());
        step("registered", Rseq.currentThread());
        step("acquired", Rseq.acquireCurrentThread());
        check(RseqOwner.unregister0());
        step("owner-gave-back", Rseq.currentThread());
        step("released", Rseq.releaseCurrentThread());
        check(RseqOwner.register0());
        step("registered-again", Rseq.currentThread());
        check(RseqOwner.unregister0());
        step("owner-unregistered", Rseq.currentThread());
        step("needs-rseq", Rseq.acquireCurrentThread());
    }

    /** Another signature, no refcount, or a private area. */
    private static void variant() {
        check(RseqOwner.register0());
        step("registered", Rseq.currentThread());
        step("acquired", Rseq.acquireCurrentThread());
        check(RseqOwner.unregister0());
        step("unregistered", Rseq.currentThread());
    }

    private static void step(String label, RseqThread t) {
        System.out.println("STEP " + label + " owner=" + t.owner() + " mode=" + t.mode().label()
                + " held=" + t.holdingForeignRefcount() + " refcount=" + RseqOwner.refcount0());
    }

    private static void check(int rc) {
        if (rc != 0) {
            throw new IllegalStateException("rseq owner call failed: " + rc);
        }
    }
}
