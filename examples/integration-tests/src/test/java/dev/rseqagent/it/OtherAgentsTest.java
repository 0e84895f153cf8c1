package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.UnsafeApp;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * rseq-agent beside the agents users already run: the OpenTelemetry Java
 * agent (it retransforms and bootstraps classes of its own), before and after
 * it; async-profiler sampling every 50 us (its signals land in critical
 * sections), with glibc's registration and with the agent's own. UnsafeApp's
 * checks pass with rewriting on each time.
 */
class OtherAgentsTest {
    private static final String OTEL_AGENT = System.getProperty("it.otelAgentJar");
    private static final String ASYNC_PROFILER_JAR = System.getProperty("it.asyncProfilerJar");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void besideTheOpenTelemetryAgentInEitherOrder(Jdk jdk) throws Exception {
        for (boolean otelFirst : new boolean[] {true, false}) {
            JvmRun run = JvmRun.on(jdk).env("OTEL_TRACES_EXPORTER", "none").env("OTEL_METRICS_EXPORTER", "none")
                    .env("OTEL_LOGS_EXPORTER", "none").agentArgs(RewritingTest.ALLOC);
            JvmRun.Result r = (otelFirst ? run.agentBefore(OTEL_AGENT) : run.jvmArg("-javaagent:" + OTEL_AGENT))
                    .run(UnsafeApp.class);
            String what = (otelFirst ? "OpenTelemetry first\n" : "OpenTelemetry second\n") + r.describe();
            RewritingTest.assertChecksPass(r);
            assertTrue(r.stderr.contains("opentelemetry-javaagent - version: "), what);
            assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), what);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void underAsyncProfilerSamplingEvery50us(Jdk jdk) throws Exception {
        Path library = extractProfiler();
        for (boolean glibcOwns : new boolean[] {true, false}) {
            Path profile = tmp.resolve("profile-" + glibcOwns + ".txt");
            JvmRun run = JvmRun.on(jdk).jvmArg("-agentpath:" + library + "=start,event=itimer,interval=50us,collapsed,file="
                    + profile).agentArgs(RewritingTest.ALLOC);
            JvmRun.Result r = (glibcOwns ? run : run.glibcRseqOff()).run(UnsafeApp.class);
            RewritingTest.assertChecksPass(r);
            assertTrue(Files.size(profile) > 0, "async-profiler wrote its profile\n" + r.describe());
        }
    }

    /** The profiler's library for this machine, out of its jar. */
    private Path extractProfiler() throws Exception {
        String platform = System.getProperty("os.arch").equals("aarch64") ? "linux-arm64" : "linux-x64";
        Path library = tmp.resolve("libasyncProfiler.so");
        try (ZipFile jar = new ZipFile(ASYNC_PROFILER_JAR)) {
            ZipEntry entry = jar.getEntry(platform + "/libasyncProfiler.so");
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, library);
            }
        }
        return library;
    }
}
