package dev.rseqagent.tooling;

import java.util.concurrent.CountDownLatch;

/**
 * Called by the shim (JVMTI ThreadStart) on every Java thread the JVM starts,
 * on that thread, before its first statement, with the shim's probe of it:
 * the thread's ownership line is printed before it runs any user code.
 */
final class ThreadStartHook {
    static final String METHOD = "onThreadStart";

    private static final long INSTALL_WAIT_MS = 5_000;
    private static final CountDownLatch INSTALLED = new CountDownLatch(1);
    private static volatile AgentRuntime runtime;

    private ThreadStartHook() {
    }

    /** Once premain has its logging; null when the agent did not start (threads then go unlogged). */
    static void install(AgentRuntime running) {
        runtime = running;
        INSTALLED.countDown();
    }

    /**
     * Never throws: a failure here must not break the thread being started. A thread
     * that starts while premain still builds the agent's logging waits for it
     * (milliseconds), but never more than a few seconds: then it goes unlogged.
     */
    static void onThreadStart(long[] report) {
        if (INSTALLED.getCount() != 0 && !StartupThread.awaitUninterruptibly(INSTALLED, INSTALL_WAIT_MS)) {
            return; // getCount first: once installed, each thread start skips the timed wait's set-up
        }
        AgentRuntime running = runtime;
        if (running == null) {
            return;
        }
        try {
            running.ownership().onProbe(report, Thread.currentThread().getName(), "thread-start");
        } catch (Throwable t) {
            running.ownership().probeFailed(Thread.currentThread().getName(), t);
        }
    }
}
