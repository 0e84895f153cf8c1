package dev.rseqagent.tooling;

import dev.rseqagent.bootstrap.Report;

/**
 * A daemon thread that logs the reports the shim makes on its own (thread
 * exits), and one last drain at JVM shutdown so none is lost.
 */
final class EventDrainer implements Runnable {
    private static final int BATCH = 64;
    private static final int WAIT_MS = 250;

    private final AgentRuntime runtime;
    private final long[] buf = new long[BATCH * Report.REPORT_FIELDS];

    private EventDrainer(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    static void start(AgentRuntime runtime) {
        EventDrainer drainer = new EventDrainer(runtime);
        Thread thread = new Thread(drainer, "rseq-agent-events");
        thread.setDaemon(true);
        thread.start();
        Runtime.getRuntime().addShutdownHook(new Thread("rseq-agent-shutdown") {
            @Override
            public void run() {
                drainer.drainRemaining();
            }
        });
    }

    /** One bad report is logged and skipped; the drainer carries on (after a pause). */
    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                runtime.drainEvents(buf, WAIT_MS);
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

    private void drainRemaining() {
        long[] last = new long[BATCH * Report.REPORT_FIELDS];
        while (runtime.drainEvents(last, 0) > 0) {
            // keep draining until the queue is empty
        }
        runtime.ownership().flush();
    }
}
