package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.apps.ThreadsApp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad options: the application's exit code and output are unchanged but for one error line. */
class OptionsTest {
    private static final String ERROR_LINE = "[rseq-agent] ERROR invalid options: ";

    static Stream<Arguments> badOptions() {
        List<Arguments> cases = new ArrayList<>();
        for (Jdk jdk : Jdk.all()) {
            cases.add(Arguments.of(jdk, "unknown key", (UnaryOperator<JvmRun>) run -> run.agentArgs("bogus=1")));
            cases.add(Arguments.of(jdk, "no '='", (UnaryOperator<JvmRun>) run -> run.agentArgs("log.level")));
            cases.add(Arguments.of(jdk, "bad value", (UnaryOperator<JvmRun>) run -> run.agentArgs("log.level=loud")));
            cases.add(Arguments.of(jdk, "bad -D", (UnaryOperator<JvmRun>) run -> run.jvmArg("-Drseq.agent.nope=1")));
            cases.add(Arguments.of(jdk, "bad env", (UnaryOperator<JvmRun>) run -> run.env("RSEQ_AGENT_LOG_FORMAT", "xml")));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badOptions")
    void badOptionsCostOneLineAndNothingElse(Jdk jdk, String what, UnaryOperator<JvmRun> bad) throws Exception {
        JvmRun.Result baseline = JvmRun.on(jdk).withoutAgent().classPath(JvmRun.AGENT_JAR).run(ThreadsApp.class);
        JvmRun.Result r = bad.apply(JvmRun.on(jdk).classPath(JvmRun.AGENT_JAR)).run(ThreadsApp.class);
        assertEquals(baseline.exitCode, r.exitCode, r.describe());
        assertEquals(baseline.stdout, r.stdout, r.describe());
        List<String> errors = r.stderrLines().stream().filter(l -> l.startsWith(ERROR_LINE)).collect(Collectors.toList());
        assertEquals(1, errors.size(), r.describe());
        assertTrue(errors.get(0).contains("valid options: log.level=off|error|warn|info|debug|trace"), r.describe());
        List<String> rest = new ArrayList<>(r.stderrLines());
        rest.removeAll(errors);
        assertEquals(sorted(baseline.stderrLines()), sorted(rest), r.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void logNoneLeavesStderrToTheApplication(Jdk jdk) throws Exception {
        JvmRun.Result baseline = JvmRun.on(jdk).withoutAgent().classPath(JvmRun.AGENT_JAR).run(ThreadsApp.class);
        JvmRun.Result r = JvmRun.on(jdk).agentArgs("log=none").run(ThreadsApp.class);
        assertEquals(0, r.exitCode, r.describe());
        assertEquals(sorted(baseline.stderrLines()), sorted(r.stderrLines()), r.describe());
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        Collections.sort(copy);
        return copy;
    }
}
