package dev.rseqagent.tooling;

/**
 * Called by the shim (JVMTI ThreadStart) on every Java thread the JVM starts,
 * on that thread, before its first statement: the thread's ownership line is
 * printed before it runs any user code.
 */
final class ThreadStartHook {
    static final String METHOD = "onThreadStart";

    private static volatile AgentRuntime runtime;

    private ThreadStartHook() {
    }

    static void install(AgentRuntime running) {
        runtime = running;
    }

    /** Never throws: a failure here must not break the thread being started. */
    static void onThreadStart() {
        AgentRuntime running = runtime;
        if (running == null) {
            return;
        }
        try {
            running.probeAndLog(0, "thread-start");
        } catch (Throwable t) {
            running.ownership().probeFailed(Thread.currentThread().getName(), t);
        }
    }
}
