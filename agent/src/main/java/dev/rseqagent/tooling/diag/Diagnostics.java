package dev.rseqagent.tooling.diag;

import dev.rseqagent.tooling.log.OwnershipLog;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.rewrite.Rewriting;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.slf4j.Logger;

/**
 * JMX, JFR and the exit summary, started off the application's start-up path
 * (once the control plane is bound): each can be turned off, and a failure
 * of one is logged and leaves the rest of the agent running.
 */
public final class Diagnostics {
    public static final String OBJECT_NAME = "dev.rseqagent:type=RseqAgent";

    /** What the running agent knows; read when asked, never waited for. */
    public interface Source {
        /** The allocator's figures ({@code Report.AS_*}, {@code Report.A_*}), or null while the control plane is unbound. */
        long[] allocatorStatsIfBound();

        /** The running rewriting, or null. */
        Rewriting rewriting();
    }

    private final AgentMonitor monitor;
    private final Source source;
    private final AgentOptions options;
    private final Logger log;

    public Diagnostics(OwnershipLog ownership, Source source, AgentOptions options, Logger log) {
        this.monitor = new AgentMonitor(ownership.stats(), source, options);
        this.source = source;
        this.options = options;
        this.log = log;
    }

    /** Registers the MBean and the JFR events, as the options say. */
    public void start(OwnershipLog ownership) {
        if (options.get(AgentOption.JMX).equals("on")) {
            try {
                ManagementFactory.getPlatformMBeanServer().registerMBean(monitor, new ObjectName(OBJECT_NAME));
            } catch (Throwable t) {
                log.warn("rseq-agent's MBean {} is not available: {}", OBJECT_NAME, t.toString());
            }
        }
        if (options.get(AgentOption.JFR).equals("on")) {
            try {
                ownership.setListener(JfrEvents.register(monitor));
            } catch (Throwable t) {
                log.warn("rseq-agent's JFR events are not available: {}", t.toString());
            }
        }
    }

    /** Every second, from the event drainer. */
    public void sample() {
        monitor.sample();
    }

    /** The block printed at shutdown. */
    public void logExitSummary() {
        log.info(ExitSummary.render(monitor, source.rewriting()));
    }
}
