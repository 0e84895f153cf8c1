package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.apps.FirstLineApp;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the agent makes the JVM do before main, in kind (the time is measured by examples/bench/run.sh). */
class StartupTest {
    /**
     * From the agent's class to main's first statement, no class is spun for
     * method handles: each costs ~1 ms in a cold JVM. The JDK's reflective
     * call of premain spun seven on JDK 25 until premain was flagged varargs.
     */
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void noMethodHandleClassesAreSpunBeforeMain(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).jvmArg("-Xlog:class+load:stdout").run(FirstLineApp.class);
        assertEquals(0, r.exitCode, r.describe());
        int agent = r.stdout.indexOf(" dev.rseqagent.bootstrap.Agent source:");
        int main = r.stdout.indexOf("\nMAIN\n");
        assertTrue(agent >= 0 && main > agent, r.describe());
        List<String> spun = r.stdout.substring(agent, main).lines()
                .filter(l -> l.contains("__JVM_LookupDefineClass__")).collect(Collectors.toList());
        assertEquals(List.of(), spun, "classes spun between the agent's class and main");
    }
}
