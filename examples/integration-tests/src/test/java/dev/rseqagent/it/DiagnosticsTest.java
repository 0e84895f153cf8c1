package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What operators see: the MBean (read over JMX from the running demo), JFR events, the exit summary. */
class DiagnosticsTest {
    static final String DEMO_JAR = System.getProperty("it.demoJar");
    static final String DEMO_PACKAGES = "packages=dev.rseqagent.examples.demo";

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void theMBeanIsReadFromARunningDemo(Jdk jdk, @TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process demo = JvmRun.on(jdk).agentArgs(DEMO_PACKAGES)
                .jvmArg("-Dcom.sun.management.jmxremote.port=" + port)
                .jvmArg("-Dcom.sun.management.jmxremote.authenticate=false")
                .jvmArg("-Dcom.sun.management.jmxremote.ssl=false")
                .jvmArg("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .startJar(DEMO_JAR, dir, "--linger", "60");
        try {
            waitForLine(dir.resolve("stdout"), "demo: lingering");
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection mbs = connector.getMBeanServerConnection();
                ObjectName name = new ObjectName("dev.rseqagent:type=RseqAgent");
                for (int i = 0; i < 100 && !mbs.isRegistered(name); i++) {
                    Thread.sleep(100); // registered within a second of the platform MBeanServer appearing
                }
                TabularData threads = (TabularData) mbs.getAttribute(name, "ThreadsByOwnerMode");
                long glibcRseq = 0;
                for (Object row : threads.values()) {
                    CompositeData entry = (CompositeData) row;
                    if (entry.get("key").equals("GLIBC/rseq")) {
                        glibcRseq = (Long) entry.get("value");
                    }
                }
                String context = "threads " + threads + ", " + Files.readString(dir.resolve("stderr"));
                assertTrue(glibcRseq >= 1, context);
                String expectedPath = jdk.feature >= 22 ? "ffm" : "jni";
                for (int i = 0; i < 100 && !expectedPath.equals(mbs.getAttribute(name, "FacadePath")); i++) {
                    Thread.sleep(100); // JDK 22+: JNI until the agent has built the FFM downcalls, after premain
                }
                assertEquals(expectedPath, mbs.getAttribute(name, "FacadePath"));
                long allocations = (Long) mbs.getAttribute(name, "Allocations");
                long frees = (Long) mbs.getAttribute(name, "Frees");
                // The caches' figures; a call the caches could not take (e.g. a stack the idle-cache
                // reclaimer had stopped) went to the central lists and counts as a fallback operation.
                long fallback = (Long) mbs.getAttribute(name, "FallbackOps");
                assertTrue(allocations + fallback >= 80_000 && frees + fallback >= 40_000,
                        allocations + " allocations, " + frees + " frees, " + fallback + " fallback operations");
                assertTrue((Double) mbs.getAttribute(name, "HitRate") > 0.5, context);
                assertEquals(0L, mbs.getAttribute(name, "RefusedFrees"), "the demo frees only what it allocated");
                long inUse = (Long) mbs.getAttribute(name, "BytesInUse");
                assertTrue(inUse >= 16 * 4096, "the 16 buffers the lingering demo holds: " + inUse + " B, " + context);
                assertTrue((Long) mbs.getAttribute(name, "PeakBytesInUse") > 0, context);
                long direct = (Long) mbs.getAttribute(name, "DirectBytesServed");
                double share = (Double) mbs.getAttribute(name, "DirectPoolShare");
                assertTrue(direct > 0 && share > 0 && share <= 1, direct + " bytes, share " + share);
                TabularData options = (TabularData) mbs.getAttribute(name, "Options");
                assertTrue(options.toString().contains("dev.rseqagent.examples.demo"), options.toString());
            }
        } finally {
            demo.destroy();
            demo.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** A recording started with the JVM, on its command line or in JAVA_TOOL_OPTIONS, has the first threads' events. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void jfrRecordsTransitionsAndAllocatorStatistics(Jdk jdk, @TempDir Path dir) throws Exception {
        for (String where : List.of("command line", "JAVA_TOOL_OPTIONS")) {
            Path recording = dir.resolve(where.replace(' ', '-') + ".jfr");
            String flag = "-XX:StartFlightRecording=filename=" + recording;
            JvmRun run = JvmRun.on(jdk).agentArgs(DEMO_PACKAGES);
            JvmRun.Result r = (where.equals("command line") ? run.jvmArg(flag) : run.env(where, flag))
                    .runJar(DEMO_JAR, "--linger", "3");
            assertEquals(0, r.exitCode, where + "\n" + r.describe());
            assertRecorded(jdk, recording, where + "\n" + r.describe());
        }
    }

    private static void assertRecorded(Jdk jdk, Path recording, String run) throws Exception {
        JsonNode events = jfrPrint(jdk, recording);
        List<String> transitions = new ArrayList<>();
        int statistics = 0;
        long maxAllocations = 0;
        for (JsonNode event : events) {
            String type = event.get("type").asText();
            JsonNode values = event.get("values");
            if (type.equals("dev.rseqagent.OwnershipTransition")) {
                transitions.add(values.get("threadName").asText() + " " + values.get("from").asText() + "->"
                        + values.get("to").asText() + "/" + values.get("mode").asText());
            } else if (type.equals("dev.rseqagent.AllocatorStatistics")) {
                statistics++;
                maxAllocations = Math.max(maxAllocations, values.get("allocations").asLong());
                assertEquals(0, values.get("allocationsServedElsewhere").asLong(), "the demo fits the arena\n" + run);
            }
        }
        assertTrue(transitions.stream().anyMatch(t -> t.startsWith("pool-1-thread-1 NEW->GLIBC/rseq")),
                transitions + "\n" + run);
        assertTrue(statistics >= 2, statistics + " statistics events\n" + run);
        assertTrue(maxAllocations >= 80_000, "allocations " + maxAllocations + "\n" + run);
    }

    /** A recording started later with jcmd: the events are registered within a second and recorded. */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void jfrStartedLaterByJcmd(Jdk jdk, @TempDir Path dir) throws Exception {
        Process demo = JvmRun.on(jdk).agentArgs(DEMO_PACKAGES).startJar(DEMO_JAR, dir, "--linger", "30");
        try {
            waitForLine(dir.resolve("stdout"), "demo: lingering");
            Path recording = dir.resolve("late.jfr");
            Process jcmd = new ProcessBuilder(jdk.home.resolve("bin/jcmd").toString(), Long.toString(demo.pid()),
                    "JFR.start", "name=late", "duration=4s", "filename=" + recording).redirectErrorStream(true).start();
            String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jcmd.waitFor(30, TimeUnit.SECONDS) && jcmd.exitValue() == 0, said);
            for (int i = 0; i < 200 && !(Files.exists(recording) && Files.size(recording) > 0); i++) {
                Thread.sleep(100); // written when the 4 s recording ends
            }
            Thread.sleep(500);
            int statistics = 0;
            for (JsonNode event : jfrPrint(jdk, recording)) {
                if (event.get("type").asText().equals("dev.rseqagent.AllocatorStatistics")) {
                    statistics++;
                    assertTrue(event.get("values").get("allocations").asLong() >= 80_000, event.toString());
                }
            }
            assertTrue(statistics >= 1, statistics + " statistics events; jcmd said: " + said);
        } finally {
            demo.destroy();
            demo.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void theExitSummaryIsOneBlock(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).agentArgs(DEMO_PACKAGES).runJar(DEMO_JAR);
        assertEquals(0, r.exitCode, r.describe());
        Matcher m = Pattern.compile("INFO rseq-agent summary:\\n"
                + "  threads:   (\\d+) seen, (\\d+) transitions; live by owner/mode \\{[^}]*GLIBC/rseq=\\d+[^}]*\\}\\n"
                + "  allocator: (\\d+) allocations, (\\d+) frees, hit rate ([0-9.]+)%, peak ([0-9.]+ [KMG]?i?B) in use \\(sampled\\), "
                + "[0-9.]+ [KMG]?i?B committed, \\d+ aborts, (\\d+) fallback operations\\n"
                + "  rewriting: rewrote 4 allocation call sites in 1 classes; 0 classes skipped").matcher(r.stderr);
        assertTrue(m.find(), r.describe());
        assertTrue(Integer.parseInt(m.group(1)) >= 5, m.group());
        long fallback = Long.parseLong(m.group(7)); // calls the caches could not take (as in the MBean test)
        assertTrue(Long.parseLong(m.group(3)) + fallback >= 80_000 && Long.parseLong(m.group(4)) + fallback >= 40_000,
                m.group());
        assertTrue(Double.parseDouble(m.group(5)) > 50, m.group());
    }

    private static JsonNode jfrPrint(Jdk jdk, Path recording) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jdk.home.resolve("bin/jfr").toString(), "print", "--json", "--events",
                "dev.rseqagent.OwnershipTransition,dev.rseqagent.AllocatorStatistics", recording.toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(out, StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(out).get("recording").get("events");
    }

    private static void waitForLine(Path file, String line) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Files.exists(file) && Files.readString(file).contains(line)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' in " + file);
    }
}
