package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rseqagent.it.apps.JnaSettingsApp;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's JNA keeps its settings to itself: the application's JNA system properties do not steer it, and it
 * sets none the application (or the application's own JNA) would see, not even while it starts.
 */
class JnaIsolationTest {
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void theAppsJnaPropertiesAreItsOwnAndTheAgentLeavesNone(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).jvmArg("-Djna.boot.library.path=/nowhere")
                .jvmArg("-Djna.boot.library.name=nothing").jvmArg("-Djna.nosys=false").run(JnaSettingsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(List.of("property jna.boot.library.name=nothing", "property jna.boot.library.path=/nowhere",
                "property jna.nosys=false", "counters true"), r.stdoutLines(), r.describe());
    }
}
