package dev.rseqagent.tooling;

import dev.rseqagent.tooling.log.AgentLogging;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.shim.Shim;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The agent's second start-up thread. While premain's thread loads the shim
 * and installs the thread-start hook, this one builds the agent's logging;
 * once premain hands over, it binds the JNA control plane (~50 ms of JNA
 * start-up that must not sit before the application's main) and starts the
 * event drainer.
 */
final class StartupThread implements Runnable {
    private final AgentOptions options;
    private final CountDownLatch loggingReady = new CountDownLatch(1);
    private final CountDownLatch handedOver = new CountDownLatch(1);
    private volatile AgentLogging logging;
    private volatile Shim shim;
    private volatile AgentRuntime runtime;

    private StartupThread(AgentOptions options) {
        this.options = options;
    }

    static StartupThread start(AgentOptions options) {
        StartupThread startup = new StartupThread(options);
        Thread thread = new Thread(startup, "rseq-agent-start");
        thread.setDaemon(true);
        thread.start();
        return startup;
    }

    @Override
    public void run() {
        try {
            logging = AgentLogging.configure(options);
        } catch (Throwable t) {
            logging = null; // premain builds it itself (awaitLogger)
        } finally {
            loggingReady.countDown();
        }
        awaitUninterruptibly(handedOver);
        if (runtime != null) {
            bindControlPlane();
        }
    }

    private void bindControlPlane() {
        try {
            runtime.controlPlaneBound(shim.bindControlPlane());
            runtime.drainerStarted(EventDrainer.start(runtime));
            runtime.diagnostics().start();
        } catch (Throwable t) {
            String cause = AgentStarterImpl.describe(t);
            runtime.controlPlaneFailed(cause);
            if (logging != null) {
                logging.logger().error("rseq-agent's control plane is unavailable (Rseq API, thread-exit lines): {}",
                        cause);
            }
        }
    }

    /** The agent's logger, once built (built here if the thread could not). */
    Logger awaitLogger() {
        awaitUninterruptibly(loggingReady);
        if (logging == null) {
            logging = AgentLogging.configure(options);
        }
        return logging.logger();
    }

    /** Lets the thread bind the control plane for {@code runtime}; null: nothing to bind, just end. */
    void handOver(Shim loaded, AgentRuntime running) {
        shim = loaded;
        runtime = running;
        handedOver.countDown();
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        while (!awaitUninterruptibly(latch, TimeUnit.DAYS.toMillis(1))) {
            // keep waiting: callers that may wait forever use this one
        }
    }

    /** True if the latch opened within timeoutMillis; an interrupt is kept for the caller. */
    static boolean awaitUninterruptibly(CountDownLatch latch, long timeoutMillis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (true) {
                try {
                    return latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
