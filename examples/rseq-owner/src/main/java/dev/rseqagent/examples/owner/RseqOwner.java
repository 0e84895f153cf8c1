package dev.rseqagent.examples.owner;

/**
 * A JNI library that registers rseq itself, the way libraries did before
 * glibc 2.35 (exports {@code __rseq_abi} and {@code __rseq_refcount}). Load
 * one variant per JVM with {@link #load(String)}, which uses
 * {@link System#load} (RTLD_LOCAL, as JNI libraries always are).
 */
public final class RseqOwner {
    private RseqOwner() {
    }

    public static void load(String path) {
        System.load(path);
    }

    /** Takes a use of this thread's registration; registers on the first. 0 or -errno. */
    public static native int register0();

    /** Gives a use back; unregisters on the last. 0 or -errno. */
    public static native int unregister0();

    /** This thread's {@code __rseq_refcount}. */
    public static native int refcount0();

    /** The kernel-written cpu_id of this thread's area; -1 when not registered. */
    public static native int cpuId0();

    /**
     * Runs a worker thread of the library's own (pthread_create) and waits for
     * it: it attaches to the JVM {@code attaches} times as "owner-worker" to
     * call {@code target.method(round)} (static void (int)), detaching after
     * each; before attach number {@code registerBefore} (from 0; -1: never) it
     * takes a use of rseq through the library, which it gives back after its
     * last detach. 0, or the first failure as -errno.
     */
    public static native int runWorker0(Class<?> target, String method, int attaches, int registerBefore);
}
