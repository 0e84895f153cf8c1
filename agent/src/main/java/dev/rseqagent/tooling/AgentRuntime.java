package dev.rseqagent.tooling;

import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.bootstrap.RseqBridge;
import dev.rseqagent.tooling.diag.Diagnostics;
import dev.rseqagent.tooling.log.FirstSightDeferral;
import dev.rseqagent.tooling.log.OwnershipLog;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.rewrite.Rewriting;
import dev.rseqagent.tooling.shim.ControlPlane;
import dev.rseqagent.tooling.shim.Errno;
import dev.rseqagent.tooling.shim.JvmHook;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/**
 * The running agent: probes through the shim's control plane and logs what
 * changed; the hub the API, the diagnostics and the shutdown hook read. The
 * control plane is bound in the background after premain; a call that needs
 * it before then waits for it (the diagnostics never wait).
 */
final class AgentRuntime implements RseqBridge, Diagnostics.Source {
    private final OwnershipLog ownership;
    private final AgentOptions options;
    private final Logger log;
    private Diagnostics diagnostics; // made off premain, on first use
    private static final long BIND_WAIT_MS = 30_000;
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile ControlPlane controlPlane;
    private volatile String bindFailure;
    private volatile Rewriting rewriting;
    private volatile String rewritingOff = "no packages opted in";
    private volatile EventDrainer drainer;
    private boolean reclaimRefusalSaid;

    AgentRuntime(OwnershipLog ownership, AgentOptions options, Logger log) {
        this.ownership = ownership;
        this.options = options;
        this.log = log;
    }

    @Override
    public long[] allocatorStatsIfBound() {
        ControlPlane plane = controlPlane;
        return plane == null ? null : plane.allocatorStats();
    }

    @Override
    public Rewriting rewriting() {
        return rewriting;
    }

    @Override
    public String rewritingOff() {
        return rewritingOff;
    }

    /** Made on first use (the start-up thread, the drainer, or the shutdown hook), never on premain's path. */
    synchronized Diagnostics diagnostics() {
        if (diagnostics == null) {
            diagnostics = new Diagnostics(ownership, this, options, log);
        }
        return diagnostics;
    }

    void controlPlaneBound(ControlPlane plane) {
        controlPlane = plane;
        bound.countDown();
    }

    void controlPlaneFailed(String cause) {
        bindFailure = cause;
        bound.countDown();
    }

    /** @throws IllegalStateException if the control plane could not be bound (in time) */
    ControlPlane controlPlane() {
        if (!StartupThread.awaitUninterruptibly(bound, BIND_WAIT_MS)) {
            throw new IllegalStateException("rseq-agent's control plane is not ready after " + BIND_WAIT_MS + " ms");
        }
        ControlPlane plane = controlPlane;
        if (plane == null) {
            throw new IllegalStateException("rseq-agent's control plane is unavailable: " + bindFailure);
        }
        return plane;
    }

    OwnershipLog ownership() {
        return ownership;
    }

    @Override
    public long[] probeCurrentThread(int flags) {
        long[] report = controlPlane().probe(flags);
        ownership.onProbe(report, Thread.currentThread().getName(), "api");
        return report;
    }

    @Override
    public long[] counters() {
        return controlPlane().counters();
    }

    @Override
    public long[] processInfo() {
        return controlPlane().processInfo();
    }

    @Override
    public long[] allocatorStats() {
        return controlPlane().allocatorStats();
    }

    @Override
    public boolean owns(long address) {
        return controlPlane().owns(address);
    }

    @Override
    public String facadePath() {
        Rewriting r = rewriting;
        return r != null ? r.path() : "off";
    }

    void rewritingStarted(Rewriting running) {
        rewriting = running;
    }

    void rewritingOff(String why) {
        rewritingOff = why;
    }

    void drainerStarted(EventDrainer started) {
        drainer = started;
        // A class, not JvmHook::deferFirstSights: a method reference spins classes on the start-up thread.
        ownership.deferThreadStartsWith(new FirstSightDeferral() {
            @Override
            public void deferFirstSights(boolean on) {
                JvmHook.deferFirstSights(on);
            }
        });
    }

    /**
     * Registered at premain, so it runs even when the application ends before
     * the control plane is bound: the last events (if there is a drainer),
     * the first-sighting summary, then the exit summary.
     */
    void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread("rseq-agent-shutdown") {
            @Override
            public void run() {
                try {
                    EventDrainer d = drainer;
                    if (d != null) {
                        ownership.deferThreadStartsWith(null); // threads started from now on are logged on themselves
                        d.drainRemaining();
                    }
                    ownership.flush();
                    diagnostics().logExitSummary();
                } catch (Throwable t) { // one line, not a stack trace in the application's shutdown
                    System.err.println("[rseq-agent] ERROR the agent's last lines and exit summary failed: " + t);
                }
            }
        });
    }

    /**
     * The allocator's idle caches back to the central lists (see rseqagent_reclaim); a
     * kernel that cannot drain them is said once. Called by the drainer only.
     */
    void reclaimIdleCaches() {
        long drained = controlPlane().reclaim();
        if (drained < 0 && !reclaimRefusalSaid) {
            reclaimRefusalSaid = true;
            log.info("idle per-CPU caches are not drained back: membarrier(RSEQ) fails with {} (a kernel before 5.10,"
                    + " or a seccomp filter); allocation is unaffected, and what a CPU caches stays until it allocates"
                    + " again", Errno.name((int) -drained));
        }
    }

    /** Logs the reports the shim queued (thread exits, allocator acquires, deferred thread starts); returns how many. */
    int drainEvents(long[] buf, int timeoutMs) {
        int n = controlPlane().drainEvents(buf, buf.length / Report.REPORT_FIELDS, timeoutMs);
        for (int i = 0; i < n; i++) {
            long[] report = new long[Report.REPORT_FIELDS];
            System.arraycopy(buf, i * Report.REPORT_FIELDS, report, 0, Report.REPORT_FIELDS);
            try {
                logQueued(report);
            } catch (RuntimeException e) {
                ownership.probeFailed("rseq-agent-events", e); // one bad report: the rest are still logged
            }
        }
        ownership.tick();
        return n;
    }

    private void logQueued(long[] report) {
        if (report[Report.R_KIND] == Report.KIND_ALLOCATOR) {
            ownership.onAllocatorAcquire(report);
        } else if (report[Report.R_KIND] == Report.KIND_THREAD_START) {
            Thread started = JvmHook.takeThread(report[Report.R_TAG]);
            ownership.onDeferredThreadStart(report, started.getName());
        } else if (report[Report.R_KIND] == Report.KIND_LEFT_JVM) {
            ownership.onLeftJvm(report);
        } else {
            ownership.onThreadExit(report);
        }
    }
}
