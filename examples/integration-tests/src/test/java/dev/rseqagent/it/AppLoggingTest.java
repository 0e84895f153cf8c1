package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.apps.ErrRedirectApp;
import dev.rseqagent.it.apps.JulManagerApp;
import dev.rseqagent.it.apps.LoggingApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application with its own SLF4J, Logback and logback.xml keeps its logging; the agent's lines go where its
 * options say; java.util.logging is left for the application to set up.
 */
class AppLoggingTest {
    private static final List<String> APP_OUTPUT = List.of(
            "APP INFO LoggingApp hello from the app",
            "APP WARN LoggingApp worker says hi");

    @TempDir
    Path tmp;

    private static JvmRun app(Jdk jdk) {
        return JvmRun.on(jdk).classPath(System.getProperty("it.slf4jJar"), System.getProperty("it.logbackClassicJar"),
                System.getProperty("it.logbackCoreJar"));
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void theAppsLoggingIsUnchangedAndTheAgentKeepsItsOwnFormat(Jdk jdk) throws Exception {
        JvmRun.Result baseline = app(jdk).withoutAgent().classPath(JvmRun.AGENT_JAR).run(LoggingApp.class);
        assertEquals(APP_OUTPUT, baseline.stdoutLines(), baseline.describe());
        JvmRun.Result r = app(jdk).run(LoggingApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(APP_OUTPUT, r.stdoutLines(), r.describe());
        assertTrue(r.ownerLines().stream().anyMatch(l -> "app-worker".equals(l.thread())), r.describe());
        assertFalse(r.stderr.contains("APP "), r.describe());
        assertFalse(r.stderr.contains("SLF4J"), "no SLF4J provider warnings\n" + r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aLogbackConfigurationFilePropertyIsNotReadByTheAgent(Jdk jdk) throws Exception {
        Path hijack = tmp.resolve("hijack.xml");
        Files.writeString(hijack, "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<target>System.err</target><encoder><pattern>HIJACK %msg%n</pattern></encoder></appender>"
                + "<root level=\"TRACE\"><appender-ref ref=\"E\"/></root></configuration>");
        JvmRun.Result r = app(jdk).jvmArg("-Dlogback.configurationFile=" + hijack).run(LoggingApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stderr.contains("HIJACK hello from the app"), "the app follows the property\n" + r.describe());
        assertFalse(r.stderr.contains("HIJACK rseq.owner"), "the agent does not\n" + r.describe());
        assertTrue(r.ownerLines().stream().anyMatch(l -> "main".equals(l.thread())), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void agentLinesGoToTheFileTheOptionNames(Jdk jdk) throws Exception {
        Path log = tmp.resolve("agent.log");
        JvmRun.Result r = app(jdk).agentArgs("log=file:" + log).run(LoggingApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(APP_OUTPUT, r.stdoutLines(), r.describe());
        assertFalse(r.stderr.contains("[rseq-agent]"), r.describe());
        String written = Files.readString(log);
        assertTrue(written.contains("rseq.owner thread=main"), written);
        assertTrue(written.contains("rseq.owner thread=app-worker"), written);
    }

    /** The agent writes to the process's stderr, not to whatever System.err the application installs. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void anAppThatReplacesSystemErrDoesNotReceiveTheAgentsLines(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).run(ErrRedirectApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(List.of("app-stream-agent-lines=0", "app-stream-own-lines=1"), r.stdoutLines(), r.describe());
        assertTrue(r.ownerLines().stream().anyMatch(l -> "after-redirect".equals(l.thread())),
                "the line of the thread started after the redirect is on the process's stderr\n" + r.describe());
        assertFalse(r.stderr.contains("the app's own stderr line"), r.describe());
    }

    /**
     * The agent never initialises java.util.logging (its JNA's logging goes to the agent's log), so an application
     * may still choose its LogManager and configuration in main, after the agent's start-up is over; with
     * rewriting on too (Byte Buddy, the facade and its threads).
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void anAppChoosesItsJavaUtilLoggingManagerInMain(Jdk jdk) throws Exception {
        List<String> expected = List.of("manager=AppLogManager");
        JvmRun.Result baseline = JvmRun.on(jdk).withoutAgent().classPath(JvmRun.AGENT_JAR).run(JulManagerApp.class);
        assertEquals(expected, baseline.stdoutLines(), baseline.describe());
        for (String options : new String[] {null, "packages=dev.rseqagent.it.apps,log.level=debug"}) {
            JvmRun.Result r = JvmRun.on(jdk).agentArgs(options).run(JulManagerApp.class);
            assertEquals(0, r.exitCode, r.describe());
            assertEquals(expected, r.stdoutLines(), r.describe());
            assertTrue(r.stderrLines().contains("JUL INFO configured by the app"), r.describe());
            assertTrue(r.ownerLines().stream().anyMatch(l -> "main".equals(l.thread())), r.describe());
            if (options != null) {
                assertTrue(r.stderr.contains("DEBUG com.sun.jna.Native: "), "JNA logs to the agent's log\n"
                        + r.describe());
            }
        }
    }
}
