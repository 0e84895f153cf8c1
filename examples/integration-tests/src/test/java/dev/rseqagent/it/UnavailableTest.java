package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.apps.ThreadsApp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * rseq blocked by a seccomp filter installed before exec: every thread
 * UNAVAILABLE/fallback, one warning; membarrier blocked: the caches are not
 * drained, said once.
 */
class UnavailableTest {
    static Stream<Arguments> cases() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of(Arguments.of(jdk, "EPERM"), Arguments.of(jdk, "ENOSYS")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyThreadFallsBackWithOneWarning(Jdk jdk, String errno) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).rseqBlocked(errno).run(ThreadsApp.class, "acquire");
        assertEquals(0, r.exitCode, r.describe());
        assertFalse(r.ownerLines().isEmpty(), r.describe());
        for (OwnerLine line : r.ownerLines()) {
            assertEquals("UNAVAILABLE", line.get("to"), r.describe());
            assertEquals("fallback", line.get("mode"), r.describe());
            assertEquals(errno, line.get("errno"), r.describe());
        }
        assertEquals(1, r.stderrLines().stream().filter(l -> l.contains("WARN rseq is unavailable")).count(),
                r.describe());
        for (int i = 1; i <= 4; i++) {
            assertTrue(r.stdoutLines().contains("STATE worker-" + i + " UNAVAILABLE fallback"), r.describe());
        }
        assertTrue(r.stdoutLines().contains("COUNTERS registrations=0 unregistrations=0"), r.describe());
        assertTrue(r.stdout.contains("PROCESS RseqProcess[kernel=errno " + (errno.equals("EPERM") ? 1 : 38)),
                r.describe());
    }

    /** Without membarrier's RSEQ commands (a seccomp filter here; kernels before 5.10) idle caches stay: one line. */
    @ParameterizedTest
    @MethodSource("cases")
    void cachesThatCannotBeDrainedAreSaidOnce(Jdk jdk, String errno) throws Exception {
        String line = "INFO idle per-CPU caches are not drained back: membarrier(RSEQ) fails with " + errno;
        for (boolean blocked : new boolean[] {false, true}) {
            JvmRun run = JvmRun.on(jdk).agentArgs(DiagnosticsTest.DEMO_PACKAGES);
            JvmRun.Result r = (blocked ? run.syscallBlocked("membarrier", errno) : run)
                    .runJar(DiagnosticsTest.DEMO_JAR, "--linger", "2");
            assertEquals(0, r.exitCode, r.describe());
            assertTrue(r.stdout.contains("owner GLIBC, mode rseq"), "rseq itself is unaffected\n" + r.describe());
            assertEquals(blocked ? 1 : 0, r.stderrLines().stream().filter(l -> l.contains(line)).count(), r.describe());
        }
    }
}
