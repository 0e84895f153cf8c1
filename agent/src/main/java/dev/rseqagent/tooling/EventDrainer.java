package dev.rseqagent.tooling;

import dev.rseqagent.bootstrap.Report;

/**
 * A daemon thread that logs the reports the shim queues (thread exits, the
 * allocator's acquires, thread starts deferred while first sightings are
 * summarised); AgentRuntime's shutdown hook drains the rest, so none is
 * lost. Every second it also lets the allocator give back what idle CPUs'
 * caches hold, and ticks the diagnostics.
 */
final class EventDrainer implements Runnable {
    private static final int BATCH = 64;
    private static final int WAIT_MS = 250;
    private static final long RECLAIM_EVERY_NANOS = 1_000_000_000L;

    private final AgentRuntime runtime;
    private final long[] buf = new long[BATCH * Report.REPORT_FIELDS];

    private EventDrainer(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    /** Starts the drainer; the runtime's shutdown hook drains what is left. */
    static EventDrainer start(AgentRuntime runtime) {
        EventDrainer drainer = new EventDrainer(runtime);
        Thread thread = new Thread(drainer, "rseq-agent-events");
        thread.setDaemon(true);
        thread.start();
        return drainer;
    }

    /** One bad report is logged and skipped; the drainer carries on (after a pause), unless it lost its classes. */
    @Override
    public void run() {
        long lastReclaim = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                runtime.drainEvents(buf, WAIT_MS);
                if (System.nanoTime() - lastReclaim >= RECLAIM_EVERY_NANOS) {
                    lastReclaim = System.nanoTime();
                    runtime.reclaimIdleCaches();
                    runtime.diagnostics().tick();
                }
            } catch (LinkageError e) { // a class of the agent's cannot be loaded (its loader said why): no retry helps
                System.err.println("[rseq-agent] ERROR the agent's event drainer stops (thread-exit lines, JMX, JFR): "
                        + e);
                return;
            } catch (Throwable t) {
                runtime.ownership().probeFailed("rseq-agent-events", t);
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** At shutdown: everything still queued. */
    void drainRemaining() {
        long[] last = new long[BATCH * Report.REPORT_FIELDS];
        while (runtime.drainEvents(last, 0) > 0) {
            // keep draining until the queue is empty
        }
    }
}
