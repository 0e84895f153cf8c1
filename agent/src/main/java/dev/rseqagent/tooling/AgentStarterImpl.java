package dev.rseqagent.tooling;

import dev.rseqagent.Owner;
import dev.rseqagent.bootstrap.AgentClassLoader;
import dev.rseqagent.bootstrap.AgentHolder;
import dev.rseqagent.bootstrap.AgentStarter;
import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.log.AgentLogging;
import dev.rseqagent.tooling.log.LogOutputs;
import dev.rseqagent.tooling.log.OwnershipLog;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.options.OptionParser;
import dev.rseqagent.tooling.rewrite.Rewriting;
import dev.rseqagent.tooling.shim.Errno;
import dev.rseqagent.tooling.shim.JvmHook;
import dev.rseqagent.tooling.shim.Platform;
import dev.rseqagent.tooling.shim.Shim;
import java.lang.instrument.Instrumentation;
import org.slf4j.Logger;

/**
 * Starts the agent inside its isolated class loader; its static initialiser
 * registers an instance with {@code AgentClassLoader} (no reflection). On
 * premain's thread, in order: options (before anything native loads), the
 * shim (System.load), the thread-start hook, the log outputs, and main's own
 * line once Logback's context (built meanwhile on a second thread) is ready.
 * The JNA control plane follows on that second thread. Any failure disables
 * the agent with one line and the application carries on.
 */
public final class AgentStarterImpl implements AgentStarter {
    static {
        AgentClassLoader.registerStarter(new AgentStarterImpl());
    }

    @Override
    public void start(String agentArgs, Instrumentation inst) {
        if (AgentHolder.bridge() != null) {
            System.err.println("[rseq-agent] WARN rseq-agent is already running in this JVM; ignoring the second -javaagent");
            return;
        }
        StartupThread startup = StartupThread.start(agentArgs);
        OptionParser.Result parsed = OptionParser.parse(agentArgs, System.getProperties(), System.getenv());
        if (!parsed.ok()) {
            startup.handOver(null, null, null);
            AgentHolder.disable("invalid options: " + parsed.error());
            System.err.println("[rseq-agent] ERROR invalid options: " + parsed.error()
                    + "; rseq-agent is disabled, the application runs without it");
            return;
        }
        Platform platform = Platform.current(System.getProperty("os.name"), System.getProperty("os.arch"));
        Shim shim = null;
        long[] main = null;
        Throwable failure = null;
        try {
            if (platform != null) {
                shim = Shim.load(AgentStarterImpl.class.getClassLoader(), platform);
                // With first sightings not logged, Java is not called on each thread start at all.
                main = JvmHook.install(logsFirstSightings(parsed.options()) ? ThreadStartHook.class : null,
                        ThreadStartHook.METHOD);
            }
        } catch (Throwable t) {
            failure = t;
        }
        AgentRuntime runtime = null;
        Logger log = null;
        try {
            log = startLogging(parsed.options(), startup);
            try {
                if (failure != null) {
                    throw failure;
                }
                runtime = startWith(platform, shim, main, parsed.options(), log);
                if (runtime != null && !parsed.options().get(AgentOption.PACKAGES).isEmpty()) {
                    startRewriting(parsed.options(), inst, shim, runtime, log); // no class of it loads otherwise
                }
            } catch (Throwable t) {
                String cause = describe(t);
                AgentHolder.disable(cause);
                log.error("rseq-agent is disabled, the application runs without it: {}", cause);
            }
        } catch (Throwable loggingFailed) {
            AgentHolder.disable("logging failed: " + loggingFailed);
            System.err.println("[rseq-agent] ERROR rseq-agent is disabled, the application runs without it: "
                    + "its logging failed: " + loggingFailed);
        } finally {
            // Whatever happened, threads waiting in the hook and the start-up thread are released.
            ThreadStartHook.install(runtime);
            startup.handOver(shim, runtime, log);
        }
    }

    /**
     * The outputs are built here while the start-up thread builds the context;
     * then they are joined. With logging off, LogOutputs is not even loaded
     * (verifying it loads a dozen Logback classes).
     */
    private static Logger startLogging(AgentOptions options, StartupThread startup) {
        LogOutputs outputs = options.loggingOff() ? null : LogOutputs.of(options);
        return AgentLogging.start(outputs, startup.awaitContext()).logger();
    }

    private static boolean logsFirstSightings(AgentOptions options) {
        String level = options.get(AgentOption.LOG_LEVEL);
        return !options.loggingOff() && (level.equals("info") || level.equals("debug") || level.equals("trace"));
    }

    private static AgentRuntime startWith(Platform platform, Shim shim, long[] main, AgentOptions options,
            Logger log) {
        if (platform == null) {
            String where = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
            AgentHolder.disable("no shim for " + where);
            log.warn("rseq-agent is disabled: no native shim for {} (Linux x86_64 and aarch64 only)", where);
            return null;
        }
        log.debug("rseq-agent shim: {}", shim.path());
        AgentRuntime runtime = new AgentRuntime(new OwnershipLog(log), options, log);
        runtime.installShutdownHook();
        warnIfUnavailable(main, log);
        runtime.ownership().onProbe(main, Thread.currentThread().getName(), "premain");
        AgentHolder.install(runtime);
        return runtime;
    }

    /** Rewriting is an add-on: when it cannot start, ownership diagnosis goes on without it. */
    private static void startRewriting(AgentOptions options, Instrumentation inst, Shim shim, AgentRuntime runtime,
            Logger log) {
        try {
            String heldOff = Rewriting.heldOff(inst);
            if (heldOff != null) {
                runtime.rewritingOff("held off in this run");
                log.warn("native-memory rewriting is held off in this run, nothing is rewritten: {}", heldOff);
                return;
            }
            Rewriting rewriting = Rewriting.install(options, inst, shim, log);
            if (rewriting != null) {
                runtime.rewritingStarted(rewriting);
            }
        } catch (Throwable t) {
            runtime.rewritingOff("could not start");
            log.error("native-memory rewriting is off, nothing was rewritten: {}", describe(t));
        }
    }

    /** rseq availability is per process (kernel, or a seccomp filter set before exec): one warning. */
    private static void warnIfUnavailable(long[] report, Logger log) {
        if (Owner.ofCode(report[Report.R_OWNER]) != Owner.UNAVAILABLE) {
            return;
        }
        int errno = (int) report[Report.R_ERRNO];
        log.warn("rseq is unavailable in this process (the rseq system call fails with {}: {}); "
                + "every thread uses the fallback", Errno.name(errno),
                errno == 38 ? "no kernel support, or blocked by seccomp" : "blocked, e.g. by a seccomp filter");
    }

    /** The root cause in words; denied native access gets the flag that allows it. */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getClass().getName().equals("java.lang.IllegalCallerException")) {
            return "native access is denied (" + root.getMessage()
                    + "); start the JVM with --enable-native-access=ALL-UNNAMED";
        }
        return root == t ? t.toString() : t + " caused by " + root;
    }
}
