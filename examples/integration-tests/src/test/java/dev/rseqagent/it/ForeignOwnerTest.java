package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.HandBackApp;
import dev.rseqagent.it.alloc.NativeWorkerApp;
import dev.rseqagent.it.apps.ChurnApp;
import dev.rseqagent.it.apps.OwnerApp;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JNI library that owns rseq itself (examples/rseq-owner), loaded with
 * System.load after the agent's start probe, with glibc's registration off.
 */
class ForeignOwnerTest {
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void theAgentTakesTheRefcountAndTheOwnerKeepsItsRegistrationUntilGivenBack(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).glibcRseqOff().run(OwnerApp.class, JvmRun.ownerLib("owner"), "protocol");
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(List.of(
                "STEP start owner=NONE mode=none held=false refcount=0",
                "STEP registered owner=FOREIGN mode=rseq held=false refcount=1",
                "STEP acquired owner=FOREIGN mode=rseq held=true refcount=2",
                "STEP owner-gave-back owner=FOREIGN mode=rseq held=true refcount=1",
                "STEP released owner=NONE mode=none held=false refcount=0",
                "STEP registered-again owner=FOREIGN mode=rseq held=false refcount=1",
                "STEP owner-unregistered owner=NONE mode=none held=false refcount=0",
                "STEP needs-rseq owner=SHIM mode=rseq held=false refcount=0"),
                steps(r), r.describe());
        assertEquals(List.of("NEW->NONE/none", "NONE->FOREIGN/rseq", "FOREIGN->NONE/none", "NONE->FOREIGN/rseq",
                "FOREIGN->NONE/none", "NONE->SHIM/rseq"), transitionsOf(r, "main"), r.describe());
        OwnerLine foreign = r.ownerLines().stream().filter(l -> "FOREIGN".equals(l.get("to"))).findFirst().get();
        assertEquals("match", foreign.get("sig"));
    }

    /**
     * Rseq.releaseCurrentThread() hands the thread back for good: a rewritten allocation after it takes the
     * fallback instead of registering again, so a library registers there; an explicit acquire takes it again.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aThreadHandedBackStaysFreeForALibraryToRegister(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).glibcRseqOff().agentArgs(RewritingTest.ALLOC)
                .run(HandBackApp.class, JvmRun.ownerLib("owner"));
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(List.of(
                "STEP allocated owner=SHIM mode=rseq",
                "STEP released owner=NONE mode=none",
                "STEP allocated-again owner=NONE mode=none",
                "REGISTER rc=0",
                "STEP library-registered owner=FOREIGN mode=rseq",
                "UNREGISTER rc=0",
                "STEP acquired owner=SHIM mode=rseq"),
                r.stdoutLines().stream().filter(l -> l.startsWith("STEP") || l.contains(" rc="))
                        .collect(Collectors.toList()), r.describe());
    }

    /**
     * A native thread of the owner library's own (pthread_create), attached three times to call back into rewritten
     * code and detached in between, as native runtimes call Java listeners. The agent takes the thread when the
     * callback allocates and gives it back at the detach, so the library registers there while it is detached (before,
     * the agent's own area kept it out until the thread exited: EINVAL); from then on the agent takes the library's
     * refcount at each callback and gives it back at each detach, and the library's own last use unregisters.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aNativeThreadIsItsLibrarysAgainEachTimeItLeavesTheJvm(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).glibcRseqOff().agentArgs(RewritingTest.ALLOC)
                .run(NativeWorkerApp.class, JvmRun.ownerLib("owner"), "1");
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(List.of(
                "STEP 0 thread=owner-worker owner=SHIM mode=rseq held=false owned=true refcount=0",
                "STEP 1 thread=owner-worker owner=FOREIGN mode=rseq held=true owned=true refcount=2",
                "STEP 2 thread=owner-worker owner=FOREIGN mode=rseq held=true owned=true refcount=2",
                "WORKER rc=0",
                "COUNTERS registrations=1 unregistrations=1 foreignTakes=2 foreignGives=2"),
                r.stdoutLines().stream().filter(l -> l.matches("(STEP|WORKER|COUNTERS) .*")).collect(Collectors.toList()),
                r.describe());
        // lines made on the thread and lines the drainer prints later interleave: compared as a set of (at, transition)
        assertEquals(List.of("allocator NONE->SHIM/rseq", "thread-end SHIM->NONE/none", "thread-exit FOREIGN->NONE/none",
                "thread-start NEW->NONE/none", "thread-start NONE->FOREIGN/rseq"),
                r.ownerLines().stream().filter(l -> "owner-worker".equals(l.thread()))
                        .map(l -> l.get("at") + " " + l.transition()).sorted().collect(Collectors.toList()),
                r.describe());
        OwnerLine start = r.ownerLines().stream().filter(l -> "owner-worker".equals(l.thread())).findFirst().get();
        assertTrue(start.index < r.stderrLines().indexOf("FIRST owner-worker 0"),
                "the attached thread's line comes before its first statement\n" + r.describe());
    }

    static Stream<Arguments> variants() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of(
                Arguments.of(jdk, "owner-othersig", "FOREIGN", "other"),
                Arguments.of(jdk, "owner-norefcount", "FOREIGN", "match"),
                Arguments.of(jdk, "owner-private", "UNKNOWN", null)));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void ownersTheAgentCannotExpressUseOfGetTheFallback(Jdk jdk, String variant, String owner, String sig)
            throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).glibcRseqOff().run(OwnerApp.class, JvmRun.ownerLib(variant), "variant");
        assertEquals(0, r.exitCode, r.describe());
        List<String> steps = steps(r);
        assertEquals("STEP registered owner=" + owner + " mode=fallback held=false", steps.get(0).replaceAll(" refcount=\\d+", ""));
        assertEquals("STEP acquired owner=" + owner + " mode=fallback held=false", steps.get(1).replaceAll(" refcount=\\d+", ""));
        assertEquals("STEP unregistered owner=NONE mode=none held=false", steps.get(2).replaceAll(" refcount=\\d+", ""));
        assertEquals(List.of("NEW->NONE/none", "NONE->" + owner + "/fallback", owner + "->NONE/none"),
                transitionsOf(r, "main"), r.describe());
        OwnerLine taken = r.ownerLines().stream().filter(l -> owner.equals(l.get("to"))).findFirst().get();
        assertEquals(sig, taken.get("sig"), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void loadRegisterUnregisterDlclose1000TimesWithTheAppsOwnJna(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).glibcRseqOff().classPath(System.getProperty("it.jnaJar"))
                .run(ChurnApp.class, JvmRun.ownerLib("owner"), "1000");
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdoutLines().contains("JNA 5.13.0"), "the app's own JNA version\n" + r.describe());
        assertTrue(r.stdoutLines().contains("CHURN rounds=1000 foreign=1000 none=1000"), r.describe());
        List<String> transitions = transitionsOf(r, "main");
        assertEquals(1000, transitions.stream().filter("NONE->FOREIGN/rseq"::equals).count());
        assertEquals(1000, transitions.stream().filter("FOREIGN->NONE/none"::equals).count());
    }

    private static List<String> steps(JvmRun.Result r) {
        return r.stdoutLines().stream().filter(l -> l.startsWith("STEP ")).collect(Collectors.toList());
    }

    private static List<String> transitionsOf(JvmRun.Result r, String thread) {
        return r.ownerLines().stream().filter(l -> thread.equals(l.thread())).map(OwnerLine::transition)
                .collect(Collectors.toList());
    }
}
