package dev.rseqagent.tooling.shim;

import dev.rseqagent.bootstrap.Report;

/**
 * The shim's JNI side (native/src/jvm_hook.c registers these natives when
 * the agent System.loads the shim): the thread-start hook, kept off JNA so
 * that neither premain nor each new thread pays JNA's costs.
 */
public final class JvmHook {
    private JvmHook() {
    }

    private static native int install0(Class<?> hook, String methodName, long[] callerReport);

    private static native int bindMemory0(Class<?> facade);

    private static native Class<?> defineInBootLoader0(String internalName, byte[] classFile);

    private static native void deferFirstSights0(boolean on);

    private static native Thread takeThread0(long tag);

    /**
     * While on, a started thread's first sighting is queued for the drainer
     * (a {@link Report#KIND_THREAD_START} report) instead of being handed to the
     * hook on that thread; the shim hands it over as before when the queue
     * is half full.
     */
    public static void deferFirstSights(boolean on) {
        deferFirstSights0(on);
    }

    /** The started thread a {@link Report#KIND_THREAD_START} report's tag refers to; each tag is taken once. */
    public static Thread takeThread(long tag) {
        return takeThread0(tag);
    }

    /**
     * Defines a class of the allocation facade in the boot loader (JNI
     * DefineClass: no reflection, no method handles on the start-up path).
     *
     * @throws LinkageError if the JVM refuses the class
     */
    public static Class<?> defineInBootLoader(String internalName, byte[] classFile) {
        Class<?> defined = defineInBootLoader0(internalName, classFile);
        if (defined == null) {
            throw new IllegalStateException("the boot loader did not define " + internalName);
        }
        return defined;
    }

    /**
     * Registers the shim's allocation natives on the facade's JNI class (a
     * boot loader class cannot bind them itself: the shim was loaded by
     * the agent's loader).
     */
    public static void bindMemory(Class<?> facade) {
        int rc = bindMemory0(facade);
        if (rc < 0) {
            throw new IllegalStateException("registering the facade's natives on " + facade.getName() + " failed");
        }
    }

    /**
     * Probes every Java thread started from now on, on that thread before it runs, and calls
     * {@code hook.methodName(long[] report)} with the report; a null hook only probes. As each
     * thread leaves the JVM (its end, or a JNI detach) the shim gives back what the agent took
     * there and queues a {@link Report#KIND_LEFT_JVM} report.
     *
     * @return the probe of the calling thread
     * @throws IllegalStateException if the hook cannot be installed
     */
    public static long[] install(Class<?> hook, String methodName) {
        long[] callerReport = new long[Report.REPORT_FIELDS];
        int rc = install0(hook, methodName, callerReport);
        if (rc < 0) {
            throw new IllegalStateException("installing the thread-start hook failed: " + Errno.name(-rc));
        }
        return callerReport;
    }
}
