package dev.rseqagent.tooling;

import dev.rseqagent.bootstrap.AgentHolder;
import dev.rseqagent.bootstrap.AgentStarter;
import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.log.AgentLogging;
import dev.rseqagent.tooling.log.OwnershipLog;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.options.OptionParser;
import dev.rseqagent.tooling.shim.Errno;
import dev.rseqagent.tooling.shim.Platform;
import dev.rseqagent.tooling.shim.Shim;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Starts the agent inside its isolated class loader (called reflectively from
 * {@code dev.rseqagent.bootstrap.Agent}). Order matters: options are checked
 * before anything native loads; any failure disables the agent with one line
 * and the application carries on.
 */
public final class AgentStarterImpl implements AgentStarter {
    @Override
    public void start(String agentArgs, Instrumentation inst) {
        if (AgentHolder.bridge() != null) {
            System.err.println("[rseq-agent] WARN rseq-agent is already running in this JVM; ignoring the second -javaagent");
            return;
        }
        OptionParser.Result parsed = OptionParser.parse(agentArgs, systemProperties(), System.getenv());
        if (!parsed.ok()) {
            AgentHolder.disable("invalid options: " + parsed.error());
            System.err.println("[rseq-agent] ERROR invalid options: " + parsed.error()
                    + "; rseq-agent is disabled, the application runs without it");
            return;
        }
        AgentLogging logging = AgentLogging.configure(parsed.options());
        Logger log = logging.logger();
        try {
            startWith(parsed.options(), log);
        } catch (Throwable t) {
            String cause = describe(t);
            AgentHolder.disable(cause);
            log.error("rseq-agent is disabled, the application runs without it: {}", cause);
        }
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

    private static void startWith(AgentOptions options, Logger log) throws Exception {
        Platform platform = Platform.current(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (platform == null) {
            String where = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
            AgentHolder.disable("no shim for " + where);
            log.warn("rseq-agent is disabled: no native shim for {} (Linux x86_64 and aarch64 only)", where);
            return;
        }
        Shim shim = Shim.load(AgentStarterImpl.class.getClassLoader(), platform,
                Path.of(System.getProperty("java.io.tmpdir")), System.getProperty("user.name"));
        log.debug("rseq-agent options: {}; shim: {}", options, shim.path());
        warnIfUnavailable(shim.processInfo(), log);
        AgentRuntime runtime = new AgentRuntime(shim, new OwnershipLog(log));
        AgentHolder.install(runtime);
        runtime.probeAndLog(0, "premain");
        ThreadStartHook.install(runtime);
        shim.hookThreadStart(ThreadStartHook.class, ThreadStartHook.METHOD);
        EventDrainer.start(runtime);
    }

    /** One warning per process when no thread can use rseq at all. */
    private static void warnIfUnavailable(long[] info, Logger log) {
        int errno = (int) info[Report.P_KERNEL_ERRNO];
        if (errno != 0) {
            log.warn("rseq is unavailable in this process (the rseq system call fails with {}: {}); "
                    + "every thread uses the fallback", Errno.name(errno),
                    errno == 38 ? "no kernel support, or blocked by seccomp" : "blocked, e.g. by a seccomp filter");
        }
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return props;
    }
}
