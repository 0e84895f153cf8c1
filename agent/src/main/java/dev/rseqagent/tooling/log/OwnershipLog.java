package dev.rseqagent.tooling.log;

import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import dev.rseqagent.bootstrap.Report;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Turns the shim's ownership reports into log lines:
 * {@code rseq.owner thread=<name> tid=<n> from=<NEW|OWNER> to=<OWNER> mode=<rseq|fallback|none> ...}.
 * Every transition is printed; first sightings are printed too unless more
 * than {@value #FIRST_SIGHTS_PER_SECOND} threads a second start, when they are
 * summarised.
 */
public final class OwnershipLog {
    static final int FIRST_SIGHTS_PER_SECOND = 100;

    private final Logger logger;
    private final FirstSightLimiter limiter;
    /** The live threads seen: names for reports made after a thread's Java side is gone, and the figures. */
    private final OwnershipStats stats = new OwnershipStats();
    private volatile TransitionListener listener;
    private FirstSightDeferral deferral; // guarded by this, with listener's changes

    public OwnershipLog(Logger logger) {
        this.logger = logger;
        this.limiter = new FirstSightLimiter(FIRST_SIGHTS_PER_SECOND, System.nanoTime());
    }

    /** A probe made on the calling thread; {@code at} says where (premain, thread-start, api). */
    public void onProbe(long[] report, String threadName, String at) {
        stats.remember(report[Report.R_TID], threadName);
        log(report, threadName, at, false);
    }

    /**
     * A thread-start first sighting the shim queued for the drainer while
     * first sightings were being summarised (see {@link #deferThreadStartsWith}):
     * remembered and counted for the summary.
     */
    public void onDeferredThreadStart(long[] report, String threadName) {
        stats.remember(report[Report.R_TID], threadName);
        log(report, threadName, "thread-start", true);
    }

    /** A thread exited; its shim state is gone. */
    public void onThreadExit(long[] report) {
        log(report, stats.nameOf(report[Report.R_TID]), "thread-exit", false); // log() then forgets the thread
    }

    /**
     * A thread left the JVM (a JNI detach, or its end as a Java thread) and
     * the agent gave back what it held there: not counted as a transition,
     * as at thread exit; the thread is remembered, as it may attach again.
     */
    public void onLeftJvm(long[] report) {
        log(report, stats.nameOf(report[Report.R_TID]), "thread-end", false);
    }

    /** The allocator's first call on a thread made rseq usable there (a transition no probe saw). */
    public void onAllocatorAcquire(long[] report) {
        log(report, stats.nameOf(report[Report.R_TID]), "allocator", false);
    }

    public OwnershipStats stats() {
        return stats;
    }

    /**
     * Also tells listener of every printed line (JFR), on the thread the line
     * is about: with a listener, thread starts are never deferred.
     */
    public synchronized void setListener(TransitionListener listener) {
        this.listener = listener;
        limiter.deferWith(listener == null ? deferral : null);
    }

    /**
     * While more than {@value #FIRST_SIGHTS_PER_SECOND} threads a second start,
     * d has the shim queue their first sightings for the drainer
     * ({@link #onDeferredThreadStart}) instead of calling Java on each new
     * thread. Only once a drainer runs.
     */
    public synchronized void deferThreadStartsWith(FirstSightDeferral d) {
        deferral = d;
        limiter.deferWith(listener == null ? d : null);
    }

    /** A probe that failed: logged, never thrown at the thread. */
    public void probeFailed(String threadName, Throwable error) {
        logger.atWarn().setMessage("rseq.owner.probe_failed").addKeyValue("thread", threadName)
                .addKeyValue("error", String.valueOf(error)).log();
    }

    /** Prints the summary of suppressed first sightings once their second is over. */
    public void tick() {
        summarise(limiter.takeSummaryIfDue(System.nanoTime()));
    }

    /** At shutdown: prints what is still counted, however recent. */
    public void flush() {
        summarise(limiter.takeSummary(System.nanoTime()));
    }

    private void summarise(Map<String, Integer> summary) {
        if (summary != null) {
            int total = summary.values().stream().mapToInt(Integer::intValue).sum();
            logger.atInfo().setMessage("rseq.owner.summary")
                    .addKeyValue("first_sightings", total)
                    .addKeyValue("by_owner_mode", summary.toString().replace(" ", ""))
                    .addKeyValue("reason", "more than " + FIRST_SIGHTS_PER_SECOND + " threads started in one second")
                    .log();
        }
    }

    private void log(long[] r, String threadName, String at, boolean deferred) {
        Owner from = Owner.ofCode(r[Report.R_FROM_OWNER]);
        Owner to = Owner.ofCode(r[Report.R_OWNER]);
        Mode fromMode = Mode.ofCode(r[Report.R_FROM_MODE]);
        Mode mode = Mode.ofCode(r[Report.R_MODE]);
        boolean firstSight = from == Owner.NEW;
        stats.onReport(r[Report.R_TID], from, to, mode, r[Report.R_KIND] == Report.KIND_THREAD_EXIT);
        if (!firstSight && from == to && fromMode == mode) {
            return;
        }
        if (!firstSight && r[Report.R_KIND] != Report.KIND_THREAD_EXIT && r[Report.R_KIND] != Report.KIND_LEFT_JVM) {
            stats.onTransition();
        }
        TransitionListener l = listener;
        if (l != null) {
            l.onLine(r, threadName, at);
        }
        if (firstSight && deferred) {
            limiter.countSummarised(to, mode);
            return;
        }
        if (firstSight && !limiter.admit(to, mode, System.nanoTime())) {
            return;
        }
        printLine(r, threadName, at, from, to, mode);
    }

    /**
     * Apart from the decision above, so the JIT compiles the cheap, frequent
     * path on its own. One argument, not SLF4J's key-value builder: see LineFields.
     */
    private void printLine(long[] r, String threadName, String at, Owner from, Owner to, Mode mode) {
        logger.info("rseq.owner", new OwnershipLine(r, threadName, at, from, to, mode));
    }
}
