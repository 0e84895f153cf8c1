package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.apps.ThreadsApp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** rseq blocked by a seccomp filter installed before exec: every thread UNAVAILABLE/fallback, one warning. */
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
}
