package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.NativeWorkerApp;
import dev.rseqagent.it.apps.ThreadsApp;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Who owns main and the pool threads, with glibc owning and with glibc's registration off. */
class ThreadOwnershipTest {
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void glibcOwnsMainAndEveryWorkerBeforeItsFirstStatement(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).run(ThreadsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        OwnerLine main = single(r, "main", "premain");
        assertEquals("NEW->GLIBC/rseq", main.transition(), r.describe());
        assertEquals("match", main.get("sig"));
        assertEquals("32", main.get("len"));
        for (int i = 1; i <= 4; i++) {
            OwnerLine worker = single(r, "worker-" + i, "thread-start");
            assertEquals("NEW->GLIBC/rseq", worker.transition(), r.describe());
            assertTrue(worker.index < r.stderrLines().indexOf("FIRST worker-" + i),
                    "the line comes before the thread's first statement\n" + r.describe());
        }
        assertTrue(r.stdoutLines().contains("STATE main GLIBC rseq"), r.describe());
        assertTrue(r.stdout.contains("PROCESS RseqProcess[kernel=rseq,") && !r.stdout.contains("glibcRseqSize=0,"),
                "the kernel has rseq and glibc registered\n" + r.describe());
        assertEquals(0, r.stderrLines().stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).count(),
                r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void withGlibcOffNobodyOwnsUntilTheAgentNeedsRseqAndExitsGiveEverythingBack(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).glibcRseqOff().run(ThreadsApp.class, "acquire");
        assertEquals(0, r.exitCode, r.describe());
        assertEquals("NEW->NONE/none", single(r, "main", "premain").transition(), r.describe());
        for (int i = 1; i <= 4; i++) {
            String name = "worker-" + i;
            OwnerLine start = single(r, name, "thread-start");
            assertEquals("NEW->NONE/none", start.transition(), r.describe());
            assertTrue(start.index < r.stderrLines().indexOf("FIRST " + name), r.describe());
            assertEquals("NONE->SHIM/rseq", single(r, name, "api").transition(), r.describe());
            assertEquals("SHIM->NONE/none", single(r, name, "thread-end").transition(), r.describe());
            assertTrue(r.stdoutLines().contains("STATE " + name + " SHIM rseq"), r.describe());
        }
        assertTrue(r.stdoutLines().contains("COUNTERS registrations=4 unregistrations=4"), r.describe());
        assertTrue(r.stdout.contains("glibcRseqSize=0,"), "glibc did not register\n" + r.describe());
    }

    /**
     * A native thread attached through JNI three times, detached in between (as native runtimes call Java
     * listeners): its line comes at its first attach, before its first statement, and only then (glibc owns it
     * throughout); its rewritten allocations reach the caches each time.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aNativeThreadAttachedThroughJniIsSeenAtItsFirstAttach(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs(RewritingTest.ALLOC)
                .run(NativeWorkerApp.class, JvmRun.ownerLib("owner"), "-1");
        assertEquals(0, r.exitCode, r.describe());
        OwnerLine attached = single(r, "owner-worker", "thread-start");
        assertEquals("NEW->GLIBC/rseq", attached.transition(), r.describe());
        assertTrue(attached.index < r.stderrLines().indexOf("FIRST owner-worker 0"), r.describe());
        assertEquals(1, r.ownerLines().stream().filter(l -> "owner-worker".equals(l.thread())).count(), r.describe());
        for (int round = 0; round < 3; round++) {
            assertTrue(r.stdoutLines().contains("STEP " + round
                    + " thread=owner-worker owner=GLIBC mode=rseq held=false owned=true refcount=0"), r.describe());
        }
        assertTrue(r.stdoutLines().contains("WORKER rc=0"), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void jsonLinesCarryTheSameKeys(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs("log.format=json").run(ThreadsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        List<String> json = r.stderrLines().stream().filter(l -> l.startsWith("{")).collect(Collectors.toList());
        assertTrue(json.stream().anyMatch(l -> l.contains("\"msg\":\"rseq.owner\",\"thread\":\"main\",\"tid\":")
                && l.contains("\"from\":\"NEW\",\"to\":\"GLIBC\",\"mode\":\"rseq\"") && l.contains("\"len\":32")),
                r.describe());
        assertTrue(json.size() >= 5, r.describe());
        assertTrue(json.stream().allMatch(l -> l.endsWith("}") && l.matches("\\{(\"[a-z_]+\":(\"[^\"]*\"|-?\\d+),?)+\\}")),
                r.describe());
        assertTrue(r.ownerLines().isEmpty(), "no text lines in JSON mode\n" + r.describe());
    }

    static OwnerLine single(JvmRun.Result r, String thread, String at) {
        List<OwnerLine> matching = r.ownerLines().stream()
                .filter(l -> thread.equals(l.thread()) && at.equals(l.get("at"))).collect(Collectors.toList());
        assertEquals(1, matching.size(), "one line for " + thread + " at " + at + "\n" + r.describe());
        return matching.get(0);
    }
}
