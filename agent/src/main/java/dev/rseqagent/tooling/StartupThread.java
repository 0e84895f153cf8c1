package dev.rseqagent.tooling;

import ch.qos.logback.classic.LoggerContext;
import dev.rseqagent.tooling.log.AgentLogging;
import dev.rseqagent.tooling.log.JulLoggerStandIn;
import dev.rseqagent.tooling.options.OptionParser;
import dev.rseqagent.tooling.rewrite.Rewriting;
import dev.rseqagent.tooling.shim.Shim;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The agent's second start-up thread. Started first thing, it builds the
 * agent's Logback context and loads its event classes while premain's thread
 * parses the options, loads the shim and builds the log outputs. Once premain
 * hands over, it binds the JNA control plane (~50 ms of JNA start-up that must
 * not sit before the application's main), starts the event drainer and, with
 * rewriting on JDK 22+, builds the FFM downcalls the facade then switches to.
 */
final class StartupThread implements Runnable {
    private final String agentArgs;
    private final CountDownLatch contextReady = new CountDownLatch(1);
    private final CountDownLatch handedOver = new CountDownLatch(1);
    private volatile LoggerContext context;
    private volatile Shim shim;
    private volatile AgentRuntime runtime;
    private volatile Logger log;

    private StartupThread(String agentArgs) {
        this.agentArgs = agentArgs;
    }

    /** Starts the thread before the options are parsed. */
    static StartupThread start(String agentArgs) {
        StartupThread startup = new StartupThread(agentArgs);
        Thread thread = new Thread(startup, "rseq-agent-start");
        thread.setDaemon(true);
        thread.start();
        return startup;
    }

    @Override
    public void run() {
        try {
            context = buildContextEarly();
        } finally {
            contextReady.countDown();
        }
        awaitUninterruptibly(handedOver);
        if (runtime != null) {
            bindControlPlane();
            switchRewritingToFfm();
        }
    }

    /**
     * Logback's context ahead of the options, unless they may turn logging off
     * (Logback then stays unloaded); null then, or if it failed: premain builds
     * one itself, and reports its failure.
     */
    private LoggerContext buildContextEarly() {
        try {
            if (!OptionParser.mayLog(agentArgs, System.getProperties(), System.getenv())) {
                return null;
            }
            LoggerContext built = AgentLogging.newContext();
            AgentLogging.loadEventClasses(built);
            return built;
        } catch (Throwable t) {
            return null;
        }
    }

    /** The context built ahead of the options, once the thread is done with it; null if none was. */
    LoggerContext awaitContext() {
        awaitUninterruptibly(contextReady);
        return context;
    }

    private void bindControlPlane() {
        try {
            JulLoggerStandIn.sendTo(log); // JNA's messages, before JNA first logs
            runtime.controlPlaneBound(shim.bindControlPlane());
        } catch (Throwable t) {
            String cause = AgentStarterImpl.describe(t);
            runtime.controlPlaneFailed(cause);
            log.error("rseq-agent's control plane is unavailable (Rseq API, thread-exit lines): {}", cause);
            return;
        }
        try {
            runtime.drainerStarted(EventDrainer.start(runtime));
            runtime.diagnostics().start();
        } catch (Throwable t) {
            log.error("rseq-agent's event drainer did not start (thread-exit lines, JMX, JFR): {}",
                    AgentStarterImpl.describe(t));
        }
    }

    private void switchRewritingToFfm() {
        Rewriting rewriting = runtime.rewriting();
        if (rewriting == null) {
            return;
        }
        try {
            rewriting.switchToFfm(log);
        } catch (Throwable t) {
            log.warn("rewritten native-memory calls stay on JNI: {}", AgentStarterImpl.describe(t));
        }
    }

    /** Lets the thread bind the control plane for {@code running}; null: nothing to bind, just end. */
    void handOver(Shim loaded, AgentRuntime running, Logger logger) {
        shim = loaded;
        runtime = running;
        log = logger;
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
