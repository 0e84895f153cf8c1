package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.ArenaFullApp;
import dev.rseqagent.it.alloc.UnsafeApp;
import dev.rseqagent.it.apps.JarOverwriteApp;
import dev.rseqagent.it.apps.MapsApp;
import dev.rseqagent.it.apps.ThreadsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /**
     * A deployment copies a new agent jar onto the old file while the JVM runs: the agent's classes not yet loaded
     * now read other bytes. It refuses them by their checksum and says so in one line, its exit summary fails in
     * one more; the application runs to its end with its exit code, and nothing prints a stack trace. Before, the
     * agent defined garbage (ClassFormatError traces from its threads).
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aJarWrittenOverWhileTheJvmRunsCostsALineNotTheApplication(Jdk jdk) throws Exception {
        JvmRun.Result r = replacingTheAgentJar(jdk, "in-place");
        assertEquals(1, r.stderrLines().stream().filter(l -> l.startsWith("[rseq-agent] ERROR " + tmp.resolve(
                "rseq-agent.jar") + " was written over while this JVM runs (")).count(), r.describe());
        assertEquals(List.of(), r.stderrLines().stream().filter(l -> l.startsWith("Exception in thread")
                || l.startsWith("\tat ")).collect(Collectors.toList()), r.describe());
    }

    /** The way the line above advises: a new jar renamed over the old one goes unnoticed by a running JVM. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aJarRenamedOverWhileTheJvmRunsGoesUnnoticed(Jdk jdk) throws Exception {
        JvmRun.Result r = replacingTheAgentJar(jdk, "renamed-over");
        assertEquals(List.of(), r.stderrLines().stream().filter(l -> l.contains("ERROR") || l.contains("WARN")
                || l.startsWith("Exception in thread")).collect(Collectors.toList()), r.describe());
        assertTrue(r.stderr.contains("rseq-agent summary:"), "the agent's last classes load from the old file\n"
                + r.describe());
    }

    /** JarOverwriteApp under a copy of the agent jar that it replaces in {@code mode}; it ran to its end. */
    private JvmRun.Result replacingTheAgentJar(Jdk jdk, String mode) throws Exception {
        Path jar = Files.copy(Path.of(JvmRun.AGENT_JAR), tmp.resolve("rseq-agent.jar"));
        JvmRun.Result r = JvmRun.on(jdk).agentJar(jar).run(JarOverwriteApp.class, jar.toString(), mode);
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdoutLines().contains("REPLACED") && r.stdoutLines().contains("DONE sum=19900"), r.describe());
        return r;
    }

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
        assertEquals("SHIM_COPIES 1 [" + cache.resolve("rseq-agent-" + JvmRun.uid()),
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
        assertTrue(r.stderr.contains("from=SHIM to=NONE mode=none at=thread-end"), "the drainer runs\n" + r.describe());
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
        assertTrue(r.stdoutLines().get(0).startsWith("SHIM_COPIES 1 [" + tmp.resolve("rseq-agent-" + JvmRun.uid()) + "/"),
                r.describe());
        assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());
    }

    /**
     * Under ulimit -v (address space) or ulimit -d (private writable mappings) every reserved byte counts: with
     * 1 GiB left after the JVM's own reservations, the agent's arena must leave the JVM room for its threads, and
     * what the arena cannot hold goes to the JDK.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aMemoryLimitLeavesTheJvmItsRoom(Jdk jdk) throws Exception {
        JvmRun.Result sized = JvmRun.on(jdk).withoutAgent().jvmArg("-Xmx256m").run(ArenaFullApp.class, "sizes");
        assertEquals(0, sized.exitCode, sized.describe());
        for (String[] limit : new String[][] {{"-v", "VmSize"}, {"-d", "VmData"}}) {
            long kib = Long.parseLong(sized.stdout.replaceAll("(?s).*" + limit[1] + ":\\s*(\\d+) kB.*", "$1"));
            JvmRun.Result r = JvmRun.on(jdk).ulimit(limit[0], kib + (1 << 20)).agentArgs(RewritingTest.ALLOC)
                    .jvmArg("-Xmx256m").run(ArenaFullApp.class, "limited");
            RewritingTest.assertChecksPassing(r, 3);
            assertFalse(r.stderr.contains("ERROR"), r.describe());
        }
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
}
