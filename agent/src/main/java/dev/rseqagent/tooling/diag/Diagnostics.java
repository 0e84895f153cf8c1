package dev.rseqagent.tooling.diag;

import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.log.OwnershipLog;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.rewrite.Rewriting;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * JMX, JFR and the exit summary (no JMX or JFR type is touched before it is
 * needed: this class is made at premain). Setting up JMX or JFR costs the JVM about a
 * quarter of a second of CPU each, so the agent never does it for them: the
 * MBean is registered once the platform MBeanServer exists (the application,
 * -Dcom.sun.management.jmxremote, jcmd or an attaching console made it), the
 * JFR events once a recording has started; both are checked every second.
 * Each can be turned off; a failure of one is logged once and leaves the rest
 * of the agent running.
 */
public final class Diagnostics {
    public static final String OBJECT_NAME = "dev.rseqagent:type=RseqAgent";

    /** What the running agent knows; read when asked, never waited for. */
    public interface Source {
        /** The allocator's figures ({@code Report.AS_*}, {@code Report.A_*}), or null while the control plane is unbound. */
        long[] allocatorStatsIfBound();

        /** The running rewriting, or null. */
        Rewriting rewriting();

        /** While {@link #rewriting()} is null: why, in a few words. */
        String rewritingOff();
    }

    private final AgentMonitor monitor;
    private final Source source;
    private final OwnershipLog ownership;
    private final Logger log;
    private boolean jmxPending;
    private final AtomicBoolean jfrPending = new AtomicBoolean();
    private boolean refusedFreesSaid; // the drainer's thread only
    private boolean fullArenaSaid; // the drainer's thread only

    public Diagnostics(OwnershipLog ownership, Source source, AgentOptions options, Logger log) {
        this.monitor = new AgentMonitor(ownership.stats(), source, options);
        this.source = source;
        this.ownership = ownership;
        this.log = log;
        this.jmxPending = options.get(AgentOption.JMX).equals("on") && inRuntime("java.management");
        this.jfrPending.set(options.get(AgentOption.JFR).equals("on") && inRuntime("jdk.jfr"));
    }

    /** A runtime without the module (a jlink image, say) has no JMX or JFR to register with: off, nothing to say. */
    private static boolean inRuntime(String module) {
        return ModuleLayer.boot().findModule(module).isPresent();
    }

    /**
     * Once the control plane is bound: a recording asked for at start-up
     * starts only after premain, so the events are registered the moment
     * JFR comes up (a listener: the threads the application starts first are
     * recorded too); recordings started later (jcmd) are found by {@link #tick}.
     */
    public void start() {
        try {
            if (jfrPending.get() && JfrEvents.requestedAtStart()) {
                JfrEvents.whenRecorderStarts(this::registerJfr);
            }
        } catch (Throwable t) {
            jfrUnavailable(t);
        }
    }

    /**
     * Every second, from the event drainer's thread (the only caller): keeps
     * the peak of bytes in use, and registers the MBean and the JFR events as
     * soon as JMX or JFR is in use.
     */
    public void tick() {
        long[] figures = monitor.sample();
        warnOfRefusedFrees(figures[Report.AS_REFUSED_FREES]);
        warnOfFullArena(figures[Report.AS_BYTES_RESERVED]);
        if (jmxPending) {
            try {
                if (!MBeanServerFactory.findMBeanServer(null).isEmpty()) {
                    jmxPending = false;
                    ManagementFactory.getPlatformMBeanServer().registerMBean(monitor, new ObjectName(OBJECT_NAME));
                }
            } catch (Throwable t) {
                jmxPending = false;
                log.warn("rseq-agent's MBean {} is not available: {}", OBJECT_NAME, t.toString());
            }
        }
        if (jfrPending.get()) {
            try {
                if (JfrEvents.recorderRunning()) {
                    registerJfr();
                }
            } catch (Throwable t) {
                jfrUnavailable(t);
            }
        }
    }

    /** The first refused free says what it means, once; the exit summary and the MBean count them all. */
    private void warnOfRefusedFrees(long refused) {
        if (refused > 0 && !refusedFreesSaid) {
            refusedFreesSaid = true;
            log.warn("the allocator refused {} free(s) of addresses that are not the start of one of its blocks"
                    + " (inside a block, already freed, or never handed out): a bug in the code that freed them,"
                    + " which without the agent would have corrupted or aborted the process; RefusedFrees counts"
                    + " them", refused);
        }
    }

    /** The first allocation the arena could not hold says so, once; the rest are counted. */
    private void warnOfFullArena(long reserved) {
        long elsewhere = monitor.getAllocationsServedElsewhere();
        if (elsewhere > 0 && !fullArenaSaid) {
            fullArenaSaid = true;
            log.warn("the allocator's arena ({} of address space) is full: {} rewritten allocation(s) were served by"
                    + " the JDK's allocator instead, as without the agent; under ulimit -v, -d or strict overcommit the"
                    + " arena takes an eighth of what is left at start-up; AllocationsServedElsewhere counts them",
                    ExitSummary.bytes(reserved), elsewhere);
        }
    }

    private void registerJfr() {
        if (jfrPending.compareAndSet(true, false)) {
            try {
                ownership.setListener(JfrEvents.register(monitor));
            } catch (Throwable t) {
                log.warn("rseq-agent's JFR events are not available: {}", t.toString());
            }
        }
    }

    /** No jdk.jfr module in this runtime, say: one line, and no more tries. */
    private void jfrUnavailable(Throwable t) {
        if (jfrPending.compareAndSet(true, false)) {
            log.warn("rseq-agent's JFR events are not available: {}", t.toString());
        }
    }

    /** The block printed at shutdown. */
    public void logExitSummary() {
        log.info(ExitSummary.render(monitor, source));
    }
}
