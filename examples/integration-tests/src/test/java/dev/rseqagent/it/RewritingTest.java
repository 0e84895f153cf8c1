package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.AotTrainedApp;
import dev.rseqagent.it.alloc.ArenaFullApp;
import dev.rseqagent.it.alloc.DirectApp;
import dev.rseqagent.it.alloc.EarlyAllocating;
import dev.rseqagent.it.alloc.JnaApp;
import dev.rseqagent.it.alloc.PageAlignedDirectApp;
import dev.rseqagent.it.alloc.UnsafeApp;
import dev.rseqagent.it.alloc.UnsafePolicyApp;
import dev.rseqagent.it.apps.EarlyLoaderAgent;
import dev.rseqagent.it.apps.LoaderApp;
import dev.rseqagent.it.arrow.ArrowApp;
import dev.rseqagent.it.netty.NettyApp;
import dev.rseqagent.it.plain.PlainApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Opt-in rewriting in real JVMs: the apps in dev.rseqagent.it.alloc (opted in)
 * check their own results and print CHECK lines; dev.rseqagent.it.plain is
 * never opted in.
 */
class RewritingTest {
    static final String ALLOC = "packages=dev.rseqagent.it.alloc";
    static final int UNSAFE_APP_SITES = 26;
    static final Pattern EXIT_SUMMARY = Pattern.compile("rewriting: rewrote (\\d+) allocation call sites in (\\d+) classes");

    /** Every CHECK line says ok, and there are some. */
    static void assertChecksPass(JvmRun.Result r) {
        assertChecksPassing(r, 4);
    }

    /** Every CHECK line says ok, and there are at least min of them. */
    static void assertChecksPassing(JvmRun.Result r, int min) {
        assertEquals(0, r.exitCode, r.describe());
        List<String> checks = r.stdoutLines().stream().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
        assertTrue(checks.size() >= min, r.describe());
        assertEquals(List.of(), checks.stream().filter(l -> !l.endsWith(" ok")).collect(Collectors.toList()), r.describe());
        assertTrue(r.stdout.contains("CHECKS failures=0"), r.describe());
    }

    /** The facade path each JDK must take: JNI on 17, FFM critical downcalls on 22+. */
    static String expectedPath(Jdk jdk) {
        return jdk.feature >= 22 ? "ffm" : "jni";
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void unsafeCallsReachTheCaches(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs(ALLOC).run(UnsafeApp.class);
        assertChecksPass(r);
        // JDK 22+: JNI until the FFM downcalls are built after premain, then FFM; JDK 17: JNI throughout
        assertTrue(Pattern.compile("FACADE (jni|ffm) -> " + expectedPath(jdk) + "\n").matcher(r.stdout).find(),
                r.describe());
        assertEquals(jdk.feature >= 22, r.stderr.contains("rewritten native-memory calls now take FFM critical downcalls"),
                r.describe());
        assertTrue(r.stderr.contains("in packages [dev.rseqagent.it.alloc]"), r.describe());
        Matcher exit = EXIT_SUMMARY.matcher(r.stderr);
        assertTrue(exit.find(), r.describe());
        // every Unsafe allocation call in UnsafeApp's source (its lambdas are in the same class file)
        assertEquals(UNSAFE_APP_SITES + " allocation call sites in 1 classes",
                exit.group(1) + " allocation call sites in " + exit.group(2) + " classes", r.describe());
        // UnsafeApp's two interior frees, said in the exit summary's allocator line
        assertTrue(r.stderr.contains(" fallback operations, 2 frees refused (not a block's start)\n"), r.describe());
    }

    /** facade=jni never switches; facade=ffm builds the downcalls before main, or turns rewriting off where it cannot. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void theFacadeOptionFixesThePath(Jdk jdk) throws Exception {
        JvmRun.Result jni = JvmRun.on(jdk).agentArgs(ALLOC + ",facade=jni").jvmArg("-Dit.facadeWaitMs=0")
                .run(UnsafeApp.class);
        assertChecksPass(jni);
        assertTrue(jni.stdout.contains("FACADE jni -> jni\n"), jni.describe());
        assertTrue(jni.stderr.contains("; facade: jni\n"), jni.describe());
        assertFalse(jni.stderr.contains("now take FFM"), jni.describe());

        JvmRun.Result ffm = JvmRun.on(jdk).agentArgs(ALLOC + ",facade=ffm").jvmArg("-Dit.facadeWaitMs=0")
                .run(UnsafeApp.class);
        assertEquals(0, ffm.exitCode, ffm.describe());
        if (jdk.feature >= 22) {
            assertChecksPass(ffm);
            assertTrue(ffm.stdout.contains("FACADE ffm -> ffm\n"), ffm.describe());
            assertTrue(ffm.stderr.contains("; facade: ffm (critical downcalls)\n"), ffm.describe());
        } else {
            assertTrue(ffm.stderr.contains("native-memory rewriting is off, nothing was rewritten: "
                    + "java.lang.IllegalStateException: facade=ffm, but FFM downcalls failed"), ffm.describe());
            assertTrue(ffm.stdout.contains("FACADE off -> off\n"), ffm.describe());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void crossBoundaryFreesWithNativeMemoryTracking(Jdk jdk) throws Exception {
        assertChecksPass(JvmRun.on(jdk).agentArgs(ALLOC).jvmArg("-XX:NativeMemoryTracking=summary").run(UnsafeApp.class));
    }

    /**
     * What the allocator's arena cannot hold (here a 32 MiB arena) is served as without the agent: by the JDK's
     * Unsafe, its allocateDirect, libc for JNA; frees and reallocs send each block back to its allocator (NMT would
     * abort the JVM on a wrong one), and once blocks are freed the arena serves again. One WARN line, a count.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void whatTheArenaCannotHoldTheJdkServes(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs(ALLOC + ",jna=on").env("RSEQAGENT_ARENA_BYTES", "33554432")
                .jvmArg("-XX:NativeMemoryTracking=summary").classPath(System.getProperty("it.jnaJar"))
                .run(ArenaFullApp.class, "full");
        assertChecksPassing(r, 13);
        assertEquals(1, r.stderr.split("the allocator's arena \\(32.0 MiB of address space\\) is full", -1).length - 1,
                r.describe());
        assertTrue(Pattern.compile("classes[^\n]*, \\d+ allocations served by the JDK \\(the allocator's arena was full\\)")
                .matcher(r.stderr).find(), r.describe());
        // the 1 MiB blocks the arena held are large blocks: counted as allocations and frees too
        Matcher counts = Pattern.compile("allocator: (\\d+) allocations, (\\d+) frees").matcher(r.stderr);
        assertTrue(counts.find() && Long.parseLong(counts.group(1)) >= 30 && Long.parseLong(counts.group(2)) >= 30,
                r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void glibcTunableOffUsesTheShimsOwnRegistration(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs(ALLOC).glibcRseqOff().run(UnsafeApp.class);
        assertChecksPass(r);
        assertTrue(r.stderr.contains("to=SHIM mode=rseq"), r.describe());
    }

    /** Kernels before 6.3 (RHEL 8 and 9, Ubuntu 22.04) have no mm_cid: the caches are indexed by cpu_id there. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aKernelWithoutMmCidIndexesTheCachesByCpuId(Jdk jdk) throws Exception {
        for (boolean glibcOwns : new boolean[] {true, false}) {
            JvmRun run = JvmRun.on(jdk).agentArgs(ALLOC).env("RSEQAGENT_TEST_NO_RSEQ_AUXV", "1");
            JvmRun.Result r = (glibcOwns ? run : run.glibcRseqOff()).run(UnsafeApp.class);
            assertChecksPass(r);
            assertTrue(r.stdout.contains("CHECK unsafe.cache.served ok"), r.describe());
            assertTrue(r.stderr.contains((glibcOwns ? "to=GLIBC" : "to=SHIM") + " mode=rseq"), r.describe());
            assertTrue(r.stderr.contains(" cpu=cpu_id "), r.describe());
            assertFalse(r.stderr.contains("cpu=mm_cid"), r.describe());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void fallbackModeWhenRseqIsBlocked(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs(ALLOC).rseqBlocked("EPERM").run(UnsafeApp.class);
        assertChecksPass(r);
        assertTrue(r.stdout.contains("CHECK unsafe.cache.served ok"), r.describe());
        assertTrue(r.stderr.contains("to=UNAVAILABLE mode=fallback"), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void allocateDirectKeepsJdkSemantics(Jdk jdk) throws Exception {
        assertChecksPass(JvmRun.on(jdk).agentArgs(ALLOC).jvmArg("-XX:MaxDirectMemorySize=16m").run(DirectApp.class));
    }

    /** -Dsun.nio.PageAlignDirectMemory=true (for O_DIRECT I/O): page-aligned buffers, counted as the JDK counts them. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void pageAlignedDirectBuffersWhenTheJdksAre(Jdk jdk) throws Exception {
        assertChecksPassing(JvmRun.on(jdk).agentArgs(ALLOC).jvmArg("-Dsun.nio.PageAlignDirectMemory=true")
                .run(PageAlignedDirectApp.class), 6);
    }

    /** The collectors other than G1 (the default, above): each processes references in its own way. */
    static Stream<Arguments> jdksAndOtherCollectors() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("Serial", "Parallel", "Z", "Shenandoah")
                .map(gc -> Arguments.of(jdk, "-XX:+Use" + gc + "GC")));
    }

    @ParameterizedTest
    @MethodSource("jdksAndOtherCollectors")
    void allocateDirectKeepsJdkSemanticsWithEveryCollector(Jdk jdk, String collector) throws Exception {
        assertChecksPass(JvmRun.on(jdk).agentArgs(ALLOC).jvmArg("-XX:MaxDirectMemorySize=16m").jvmArg(collector)
                .run(DirectApp.class));
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void jnaIsRewrittenOnlyWhenAsked(Jdk jdk) throws Exception {
        String jna = System.getProperty("it.jnaJar");
        assertChecksPass(JvmRun.on(jdk).agentArgs(ALLOC + ",jna=on").classPath(jna).run(JnaApp.class, "rewritten"));
        assertChecksPass(JvmRun.on(jdk).agentArgs(ALLOC).classPath(jna).run(JnaApp.class, "untouched"));
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void withoutPackagesNothingIsRewritten(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).run(UnsafeApp.class);
        assertTrue(r.stdout.contains("FACADE off"), r.describe());
        assertTrue(r.stdout.contains("CHECK unsafe.allocate.owned FAIL"), r.describe());
        assertFalse(r.stderr.contains("rewriting native-memory calls"), r.describe());
        assertTrue(r.stderr.contains("rewriting: off (no packages opted in)"), r.describe());
    }

    /**
     * The JDK's policy for sun.misc.Unsafe's memory methods (JDK 23+; JDK 24+ warns once by default, naming the
     * caller) sees rewritten calls as it sees the originals: the same warnings, stack traces and refusals, naming the
     * application's class, never the agent's facade (also when a free the shim passes on to the JDK comes first).
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void unsafeMemoryAccessPolicyActsAsWithoutTheAgent(Jdk jdk) throws Exception {
        List<String> policies = jdk.feature >= 23 ? List.of("default", "warn", "debug", "deny") : List.of("default");
        for (String policy : policies) {
            for (String order : List.of("allocate-first", "free-first")) {
                JvmRun.Result baseline = policyRun(jdk, policy).withoutAgent().run(UnsafePolicyApp.class, order);
                JvmRun.Result r = policyRun(jdk, policy).agentArgs(ALLOC + ",log=none").run(UnsafePolicyApp.class, order);
                String what = policy + " " + order + "\n" + r.describe();
                assertEquals(baseline.exitCode, r.exitCode, what);
                assertEquals(baseline.stdout, r.stdout, what);
                assertEquals(baseline.stderrLines(), r.stderrLines(), what);
                assertEquals(jdk.feature >= 24 && !policy.equals("deny") || policy.equals("warn"),
                        r.stderr.contains("called by dev.rseqagent.it.alloc.UnsafePolicyApp"), what);
            }
        }
    }

    private static JvmRun policyRun(Jdk jdk, String policy) {
        JvmRun run = JvmRun.on(jdk);
        return policy.equals("default") ? run : run.jvmArg("--sun-misc-unsafe-memory-access=" + policy);
    }

    static List<Jdk> jdksWithAotCaches() {
        return Jdk.from(24);
    }

    /**
     * An AOT cache trained under the agent with packages opted in (JDK 24+,
     * the one-step -XX:AOTCacheOutput: training, then assembly in a child JVM
     * that gets the same -javaagent): the training run holds rewriting off with
     * one line, the cache is built (a guarded jdk.internal.misc.Unsafe in it
     * crashed the assembly), and a run that must use the cache rewrites.
     */
    @ParameterizedTest
    @MethodSource("jdksWithAotCaches")
    void anAotCacheTrainedUnderTheAgentIsBuiltAndItsRunsRewrite(Jdk jdk, @TempDir Path dir) throws Exception {
        Path cache = dir.resolve("app.aot");
        Path app = jarOfAppClasses(dir.resolve("app.jar"));
        JvmRun.Result training = JvmRun.on(jdk).appClassesFrom(app).agentArgs(ALLOC).jvmArg("-XX:AOTCacheOutput=" + cache)
                .jvmArg("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log")).run(AotTrainedApp.class);
        assertChecksPassing(training, 1);
        assertTrue(training.stdout.contains("SHIM false\n"), training.describe());
        assertEquals(1, training.stderrLines().stream()
                .filter(l -> l.contains("WARN native-memory rewriting is held off in this run")).count(),
                training.describe());
        assertTrue(training.stderr.contains("rewriting: off (held off in this run)"), training.describe());
        assertTrue(Files.size(cache) > 0, training.describe());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err"))
                    .collect(Collectors.toList()), training.describe());
        }

        JvmRun.Result cached = JvmRun.on(jdk).appClassesFrom(app).agentArgs(ALLOC).jvmArg("-XX:AOTMode=on")
                .jvmArg("-XX:AOTCache=" + cache).run(AotTrainedApp.class);
        assertChecksPassing(cached, 1);
        assertTrue(cached.stdout.contains("SHIM true\n"), cached.describe());
        assertFalse(cached.stderr.contains("held off"), cached.describe());
    }

    private static Path jarOfAppClasses(Path jar) throws IOException {
        Path classes = Path.of(JvmRun.APP_CLASSES);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                Files.copy(f, out);
            }
        }
        return jar;
    }

    /** A package not listed, with and without packages given: the same output as without the agent. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void unlistedPackagesBehaveAsWithoutTheAgent(Jdk jdk) throws Exception {
        JvmRun.Result baseline = JvmRun.on(jdk).withoutAgent().run(PlainApp.class);
        assertEquals(0, baseline.exitCode, baseline.describe());
        for (String args : new String[] {null, ALLOC}) {
            JvmRun.Result r = JvmRun.on(jdk).agentArgs(args).run(PlainApp.class);
            assertEquals(0, r.exitCode, r.describe());
            assertEquals(baseline.stdout, r.stdout, r.describe());
            assertFalse(r.stderr.contains("DEBUG rewrote"), r.describe());
            assertEquals(args != null, r.stderr.contains("rewriting: rewrote 0 allocation call sites in 0 classes"),
                    r.describe());
        }
    }

    /** One rewritten (a delegating child-first loader), one skipped with a line (an OSGi-style loader). */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void classesBehindTheirOwnLoaders(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs(ALLOC).run(LoaderApp.class);
        assertChecksPass(r);
        assertEquals(1, r.stderrLines().stream().filter(l -> l.contains("not rewriting dev.rseqagent.it.alloc.loaded"
                + ".Allocating (2 allocation call sites): its class loader")).count(), r.describe());
        assertTrue(r.stderr.contains("1 classes skipped (their loader does not see the facade), 0 failed"), r.describe());
    }

    /** A class in a named module gets the read edge to the facade it needs. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void namedModuleGetsAReadEdge(Jdk jdk, @TempDir Path dir) throws Exception {
        Path modules = NamedModule.compile(dir);
        JvmRun.Result r = JvmRun.on(jdk).agentArgs("packages=acme.mod").runModule(modules.toString(),
                NamedModule.MAIN);
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdout.contains("MODULE named=true owned=true direct=true"), r.describe());
    }

    /**
     * Netty, opted in by its package io.netty.util.internal: its no-cleaner
     * direct buffers (which need these two flags on JDK 9+) come from the shim.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void nettyRunsOnTheShim(Jdk jdk) throws Exception {
        String[] netty = System.getProperty("it.nettyJars").split(",");
        JvmRun.Result r = JvmRun.on(jdk).agentArgs("packages=io.netty.util.internal").classPath(netty)
                .jvmArg("--add-opens=java.base/java.nio=ALL-UNNAMED").jvmArg("-Dio.netty.tryReflectionSetAccessible=true")
                .run(NettyApp.class);
        assertChecksPass(r);
        assertTrue(r.stderr.contains("in packages [io.netty.util.internal]"), r.describe());
    }

    /**
     * Apache Arrow's allocators, its jars as named modules on the module path, opted in by the package of its
     * MemoryUtil (whose Unsafe calls its unsafe allocation manager makes): its buffers come from the shim, through
     * a read edge the agent adds to Arrow's module; Arrow's limits, transfers and leak check hold.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void arrowAsNamedModulesRunsOnTheShim(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs("packages=org.apache.arrow.memory.util")
                .jvmArg("--module-path=" + System.getProperty("it.arrowModulePath"))
                .jvmArg("--add-modules=org.apache.arrow.memory.core,org.apache.arrow.memory.unsafe")
                .jvmArg("--add-opens=java.base/java.nio=org.apache.arrow.memory.core")
                .jvmArg("-Darrow.allocation.manager.type=Unsafe")
                .run(ArrowApp.class);
        assertChecksPassing(r, 11);
        assertTrue(r.stderr.contains("in packages [org.apache.arrow.memory.util]"), r.describe());
        Matcher exit = EXIT_SUMMARY.matcher(r.stderr);
        assertTrue(exit.find() && Integer.parseInt(exit.group(1)) >= 2, "MemoryUtil's allocate and free were rewritten\n"
                + r.describe());
    }

    /** A class loaded before rseq-agent's premain (by an agent listed first) is rewritten by retransformation. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void classesLoadedBeforeTheAgentAreRetransformed(Jdk jdk, @TempDir Path dir) throws Exception {
        Path early = dir.resolve("early-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", EarlyLoaderAgent.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(early), manifest)) {
            out.flush();
        }
        JvmRun.Result r = JvmRun.on(jdk).agentBefore(early.toString()).agentArgs(ALLOC).run(EarlyAllocating.class);
        assertChecksPassing(r, 1);
        assertTrue(r.stderr.contains("(1 loaded before the agent)"), r.describe());
    }
}
