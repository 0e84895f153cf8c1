package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rseqagent.it.alloc.ArenaFullApp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code java -jar rseq-agent.jar [--json]} under the ownership cases: its verdicts and exit codes. */
class DoctorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static java.util.List<Jdk> jdks() {
        return Jdk.all();
    }

    private static JsonNode doctor(JvmRun run, int expectedExit) throws Exception {
        JvmRun.Result r = run.withoutAgent().withoutNativeAccessFlag().runJar(JvmRun.AGENT_JAR, "--json");
        assertEquals(expectedExit, r.exitCode, r.describe());
        assertEquals("", r.stderr, "the jar's manifest enables native access: no JVM warning\n" + r.describe());
        return JSON.readTree(r.stdout);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void glibcOwnsByDefault(Jdk jdk) throws Exception {
        JsonNode d = doctor(JvmRun.on(jdk), 0);
        assertTrue(d.get("rseq_possible").asBoolean());
        assertTrue(d.get("kernel").get("rseq").asBoolean());
        assertTrue(d.get("kernel").get("feature_size").asInt() >= 20);
        assertEquals("2.36", d.get("glibc").get("version").asText());
        assertTrue(d.get("glibc").get("registers_rseq").asBoolean());
        assertEquals("GLIBC", d.get("this_thread").get("owner").asText());
        assertEquals("rseq", d.get("this_thread").get("mode").asText());
        assertTrue(d.get("agent_would").asText().contains("GLIBC/rseq"), d.toString());
        assertTrue(d.get("advice").toString().contains("tcmalloc"), "glibc >= 2.35 registering: the tcmalloc advice");
        assertTrue(d.get("cache_draining").get("available").asBoolean(), d.toString());
        assertEquals(64L << 30, d.get("arena").get("bytes").asLong(), d.toString());
        assertTrue(d.get("arena").get("bound_by").isNull(), d.toString());
    }

    /**
     * Under ulimit -v (here 1 GiB more than an application JVM's size; the doctor's JVM maps less) the arena gets
     * an eighth of what is left, and the doctor says why.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void anAddressSpaceLimitShrinksTheArena(Jdk jdk) throws Exception {
        JvmRun.Result sized = JvmRun.on(jdk).withoutAgent().run(ArenaFullApp.class, "sizes");
        long kib = Long.parseLong(sized.stdout.replaceAll("(?s).*VmSize:\\s*(\\d+) kB.*", "$1"));
        JsonNode d = doctor(JvmRun.on(jdk).ulimit("-v", kib + (1 << 20)), 0);
        long arena = d.get("arena").get("bytes").asLong();
        assertEquals("ulimit -v", d.get("arena").get("bound_by").asText(), d.toString());
        assertTrue(arena >= 16 << 20 && arena <= 512 << 20, d.toString());
        assertTrue(d.get("advice").toString().contains("ulimit -v counts reserved memory"), d.toString());
    }

    /** membarrier blocked by a seccomp filter (older container runtimes): rseq is fine, idle caches are not drained. */
    @ParameterizedTest
    @MethodSource("jdks")
    void membarrierBlockedKeepsIdleCaches(Jdk jdk) throws Exception {
        JsonNode d = doctor(JvmRun.on(jdk).syscallBlocked("membarrier", "EPERM"), 0);
        assertTrue(d.get("rseq_possible").asBoolean(), d.toString());
        assertFalse(d.get("cache_draining").get("available").asBoolean(), d.toString());
        assertEquals("EPERM", d.get("cache_draining").get("errno").asText(), d.toString());
        assertTrue(d.get("advice").toString().contains("Allow the membarrier system call"), d.toString());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void tunableOffLeavesThreadsToTheAgent(Jdk jdk) throws Exception {
        JsonNode d = doctor(JvmRun.on(jdk).glibcRseqOff(), 0);
        assertTrue(d.get("rseq_possible").asBoolean());
        assertTrue(!d.get("glibc").get("registers_rseq").asBoolean());
        assertEquals("0", d.get("glibc").get("tunable_rseq").asText());
        assertEquals("NONE", d.get("this_thread").get("owner").asText());
        assertTrue(d.get("agent_would").asText().contains("SHIM/rseq"), d.toString());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void seccompBlockedIsNotPossible(Jdk jdk) throws Exception {
        JsonNode d = doctor(JvmRun.on(jdk).rseqBlocked("EPERM"), 1);
        assertTrue(!d.get("rseq_possible").asBoolean());
        assertEquals("EPERM", d.get("kernel").get("errno").asText());
        assertEquals("UNAVAILABLE", d.get("this_thread").get("owner").asText());
        assertTrue(d.get("advice").toString().contains("seccomp"), d.toString());
        JsonNode nosys = doctor(JvmRun.on(jdk).rseqBlocked("ENOSYS"), 1);
        assertEquals("ENOSYS", nosys.get("kernel").get("errno").asText());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void textReportAndBadArguments(Jdk jdk) throws Exception {
        JvmRun.Result text = JvmRun.on(jdk).withoutAgent().runJar(JvmRun.AGENT_JAR);
        assertEquals(0, text.exitCode, text.describe());
        assertTrue(text.stdout.startsWith("rseq-agent doctor: rseq mode is possible here"), text.describe());
        assertTrue(text.stdout.contains("the agent would:"), text.describe());
        JvmRun.Result bad = JvmRun.on(jdk).withoutAgent().runJar(JvmRun.AGENT_JAR, "--bogus");
        assertEquals(2, bad.exitCode, bad.describe());
        assertTrue(bad.stderr.contains("usage: java -jar rseq-agent.jar [--json]"), bad.describe());
    }
}
