package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.UnsafeApp;
import dev.rseqagent.it.apps.LateSecurityManagerApp;
import dev.rseqagent.it.apps.MapsApp;
import dev.rseqagent.it.apps.ThreadsApp;
import dev.rseqagent.it.plain.PlainApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the agent does when something around it is not as it expects. */
class FailureModesTest {
    @TempDir
    Path tmp;

    static List<Jdk> jdksThatCanDenyNativeAccess() {
        return Jdk.from(24);
    }

    @ParameterizedTest
    @MethodSource("jdksThatCanDenyNativeAccess")
    void deniedNativeAccessDisablesTheAgentWithOneLineNamingTheFlag(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).withoutNativeAccessFlag().jvmArg("--illegal-native-access=deny").classPath(JvmRun.AGENT_JAR)
                .run(ThreadsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdoutLines().contains("DONE"), r.describe());
        List<String> agentLines = r.stderrLines().stream().filter(l -> l.contains("[rseq-agent]"))
                .collect(Collectors.toList());
        assertEquals(1, agentLines.size(), r.describe());
        assertTrue(agentLines.get(0).contains("--enable-native-access=ALL-UNNAMED"), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void glibcWithoutRseqSymbolsLooksLikeAnAreaNobodyCanName(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).env("RSEQAGENT_TEST_HIDE_GLIBC_SYMBOLS", "1").run(ThreadsApp.class, "acquire");
        assertEquals(0, r.exitCode, r.describe());
        assertEquals("NEW->UNKNOWN/fallback", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());
        assertTrue(r.stdoutLines().contains("STATE worker-1 UNKNOWN fallback"), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void twoAgentJarsLoadOneShim(Jdk jdk) throws Exception {
        Path copy = tmp.resolve("copy-of-rseq-agent.jar");
        Files.copy(Path.of(JvmRun.AGENT_JAR), copy, StandardCopyOption.REPLACE_EXISTING);
        JvmRun.Result r = JvmRun.on(jdk).jvmArg("-javaagent:" + copy).run(MapsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdoutLines().get(0).startsWith("SHIM_COPIES 1 "), r.describe());
        assertTrue(r.stderr.contains("already running"), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void anUnwritableLogFileFallsBackToStderrWithAWarning(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs("log=file:/proc/no/such/dir/agent.log").run(ThreadsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stderr.contains("WARN cannot write the agent log to /proc/no/such/dir/agent.log"), r.describe());
        assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());
    }

    /**
     * A java.io.tmpdir that cannot hold the shim (not writable, or mounted noexec: here a file where the directory
     * should be) is passed over for the user's cache directory; with neither usable, one line and the application
     * runs.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aTemporaryDirectoryThatCannotHoldTheShimGivesWayToTheUsersCache(Jdk jdk) throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("tmpdir-is-a-file"), "x");
        Path cache = tmp.resolve("xdg-cache");
        JvmRun.Result r = JvmRun.on(jdk).jvmArg("-Djava.io.tmpdir=" + notADirectory).env("XDG_CACHE_HOME", cache.toString())
                .run(MapsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertEquals("SHIM_COPIES 1 [" + cache.resolve("rseq-agent-" + uid()),
                r.stdoutLines().get(0).replaceAll("/librseqagent-[^\\]]*\\]$", ""), r.describe());
        assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());
        assertFalse(r.stderr.contains("control plane is unavailable"), "JNA's library is beside the shim\n" + r.describe());

        JvmRun.Result neither = JvmRun.on(jdk).jvmArg("-Djava.io.tmpdir=" + notADirectory)
                .env("XDG_CACHE_HOME", notADirectory.toString()).run(MapsApp.class);
        assertEquals(0, neither.exitCode, neither.describe());
        assertEquals(List.of("SHIM_COPIES 0 []"), neither.stdoutLines(), neither.describe());
        List<String> agentLines = neither.stderrLines().stream().filter(l -> l.contains("[rseq-agent]"))
                .collect(Collectors.toList());
        assertEquals(1, agentLines.size(), neither.describe());
        assertTrue(agentLines.get(0).contains("ERROR rseq-agent is disabled, the application runs without it: "
                + "java.io.IOException: the shim could be extracted and loaded in none of its directories (" + notADirectory
                + ": "), neither.describe());
    }

    /**
     * A runtime linked from java.base and java.instrument alone (what -javaagent needs): no java.logging (JNA's
     * logging is the agent's own), no java.management, no jdk.jfr (the MBean and the events are simply absent). The
     * agent, its control plane and the Rseq API work; nothing is logged but the lines.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aRuntimeOfJavaBaseAndJavaInstrumentAloneRunsTheWholeAgent(Jdk jdk) throws Exception {
        Jdk minimal = jdk.linked(tmp.resolve("image"), "java.base,java.instrument");
        JvmRun.Result r = JvmRun.on(minimal).glibcRseqOff().run(ThreadsApp.class, "acquire");
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdoutLines().contains("STATE worker-1 SHIM rseq"), r.describe());
        assertTrue(r.stdoutLines().contains("DONE"), r.describe());
        assertEquals(List.of(), r.stderrLines().stream().filter(l -> l.contains("[rseq-agent]"))
                .filter(l -> !l.contains(" INFO ")).collect(Collectors.toList()), r.describe());
        assertTrue(r.stderr.contains("from=SHIM to=NONE mode=none at=thread-exit"), "the drainer runs\n" + r.describe());
        assertTrue(r.stderr.contains(" fallback operations"), "the allocator's figures: the control plane is bound\n"
                + r.describe());
    }

    /**
     * A container user without a passwd entry (OpenShift's random ids): the JVM's user.name and user.home are "?".
     * The private directory is named and checked by the numeric user id, so the shim loads as for anyone.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aUserWithoutAPasswdEntryGetsTheShimToo(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).jvmArg("-Duser.name=?").jvmArg("-Duser.home=?")
                .jvmArg("-Djava.io.tmpdir=" + tmp).run(MapsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdoutLines().get(0).startsWith("SHIM_COPIES 1 [" + tmp.resolve("rseq-agent-" + uid()) + "/"),
                r.describe());
        assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());
    }

    /** No /proc (a chroot, a minimal sandbox): the user id comes from a file the agent makes, and all else works. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aProcessWithoutProcRunsTheWholeAgent(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).withoutProc().agentArgs(RewritingTest.ALLOC).jvmArg("-Djava.io.tmpdir=" + tmp)
                .run(UnsafeApp.class);
        RewritingTest.assertChecksPass(r);
        assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("rseq-agent-0"), files.map(f -> f.getFileName().toString()).collect(Collectors.toList()),
                    "the user id's probe file is gone\n" + r.describe());
        }
    }

    static List<Jdk> jdksWithASecurityManager() {
        return Jdk.before(24);
    }

    /**
     * -Djava.security.manager (JDK 17-23; Tomcat's -security, say). A policy's grant to the agent jar holds for
     * all of the agent, also when an application with few permissions of its own calls it; without a grant the
     * agent is off with one line and the application runs as without it.
     */
    @ParameterizedTest
    @MethodSource("jdksWithASecurityManager")
    void aSecurityManagerFromTheStartMeetsThePolicysGrant(Jdk jdk) throws Exception {
        String app = "grant codeBase \"file:" + JvmRun.APP_CLASSES + "/-\" {\n"
                + "  permission java.lang.RuntimePermission \"accessClassInPackage.sun.misc\";\n"
                + "  permission java.lang.RuntimePermission \"accessDeclaredMembers\";\n"
                + "  permission java.lang.reflect.ReflectPermission \"suppressAccessChecks\";\n"
                + "  permission java.util.PropertyPermission \"it.*\", \"read\";\n"
                + "  permission java.lang.management.ManagementPermission \"monitor\";\n};\n";
        String agent = "grant codeBase \"file:" + JvmRun.AGENT_JAR + "\" { permission java.security.AllPermission; };\n";
        Path granted = Files.writeString(tmp.resolve("granted.policy"), agent + app);
        JvmRun.Result r = underPolicy(jdk, granted).agentArgs(RewritingTest.ALLOC).run(UnsafeApp.class);
        RewritingTest.assertChecksPass(r);
        assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());

        Path notGranted = Files.writeString(tmp.resolve("app-only.policy"), app);
        JvmRun.Result baseline = underPolicy(jdk, notGranted).withoutAgent().run(PlainApp.class);
        JvmRun.Result off = underPolicy(jdk, notGranted).agentArgs(RewritingTest.ALLOC).run(PlainApp.class);
        assertEquals(0, baseline.exitCode, baseline.describe());
        assertEquals(baseline.exitCode, off.exitCode, off.describe());
        assertEquals(baseline.stdout, off.stdout, off.describe());
        List<String> added = new ArrayList<>(off.stderrLines());
        added.removeAll(baseline.stderrLines());
        assertEquals(1, added.size(), off.describe());
        assertTrue(added.get(0).startsWith("[rseq-agent] ERROR rseq-agent disabled, the application runs without it: "
                + "java.security.AccessControlException: access denied"), off.describe());
    }

    /**
     * A security manager the application installs in main (Elasticsearch's way): with the policy's grant to the
     * agent jar, the agent's MBean is registered from its own thread and the API serves the application's threads;
     * without it the MBean is off with one line, and the rest works.
     */
    @ParameterizedTest
    @MethodSource("jdksWithASecurityManager")
    void aSecurityManagerTheApplicationInstallsMeetsThePolicysGrant(Jdk jdk) throws Exception {
        String app = "grant codeBase \"file:" + JvmRun.APP_CLASSES + "/-\" {\n"
                + "  permission java.lang.RuntimePermission \"setSecurityManager\";\n"
                + "  permission java.lang.RuntimePermission \"createSecurityManager\";\n"
                + "  permission javax.management.MBeanServerPermission \"createMBeanServer\";\n"
                + "  permission javax.management.MBeanPermission \"*\", \"isRegistered\";\n};\n";
        String agent = "grant codeBase \"file:" + JvmRun.AGENT_JAR + "\" { permission java.security.AllPermission; };\n";
        for (boolean granted : new boolean[] {true, false}) {
            Path policy = Files.writeString(tmp.resolve(granted + ".policy"), granted ? agent + app : app);
            JvmRun.Result r = JvmRun.on(jdk).jvmArg("-Djava.security.manager=allow")
                    .jvmArg("-Djava.security.policy==" + policy).classPath(JvmRun.AGENT_JAR)
                    .run(LateSecurityManagerApp.class, granted ? "10" : "3"); // the agent looks every second
            assertEquals(0, r.exitCode, r.describe());
            assertEquals(List.of("MBEAN " + granted, "WORKER GLIBC"), r.stdoutLines(), r.describe());
            assertEquals(granted ? 0 : 1, r.stderrLines().stream().filter(l -> l.contains(
                    "WARN rseq-agent's MBean dev.rseqagent:type=RseqAgent is not available: "
                    + "java.security.AccessControlException")).count(), r.describe());
        }
    }

    private static JvmRun underPolicy(Jdk jdk, Path policy) {
        return JvmRun.on(jdk).jvmArg("-Djava.security.manager").jvmArg("-Djava.security.policy==" + policy);
    }

    private static int uid() throws java.io.IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
