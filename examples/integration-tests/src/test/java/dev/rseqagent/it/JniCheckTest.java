package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.DirectApp;
import dev.rseqagent.it.alloc.UnsafeApp;
import dev.rseqagent.it.apps.ThreadsApp;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shim's JNI (the thread-start hook, its natives, the facade's) passes the JVM's own checks: under
 * -Xcheck:jni, no warning comes from the agent's code. JNA's dispatch library and the JDK's own natives warn there
 * too (JNI calls without an exception check, local references past 32): those are told apart by their stacks. A
 * mutation that skips the hook's exception check makes this test fail.
 */
class JniCheckTest {
    private static final Pattern AGENT_NATIVE = Pattern.compile("at dev\\.rseqagent\\.[\\w.$]+\\(Native Method\\)");

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void noJniWarningComesFromTheAgent(Jdk jdk) throws Exception {
        List<JvmRun.Result> runs = List.of(
                JvmRun.on(jdk).jvmArg("-Xcheck:jni").glibcRseqOff().run(ThreadsApp.class, "acquire"),
                JvmRun.on(jdk).jvmArg("-Xcheck:jni").agentArgs(RewritingTest.ALLOC).run(UnsafeApp.class),
                JvmRun.on(jdk).jvmArg("-Xcheck:jni").agentArgs(RewritingTest.ALLOC + ",facade=jni")
                        .jvmArg("-XX:MaxDirectMemorySize=16m").run(DirectApp.class));
        for (JvmRun.Result r : runs) {
            assertEquals(0, r.exitCode, r.describe());
            assertTrue(r.stderr.contains("rseq.owner thread=main"), r.describe());
            assertEquals(List.of(), agentsJniWarnings(r.stdout + r.stderr), r.describe()); // the JVM warns on stdout
        }
    }

    /**
     * Signs in the JVM's output that -Xcheck:jni warned about the agent's native code, looked for anywhere in a
     * line (threads print their warnings at once, interleaved): a stack whose top frame is an agent native; the
     * agent's own System.load of the shim on a stack (its JNI_OnLoad warned); native frames only, printed for a
     * thread with no Java frame, i.e. inside a JVMTI callback (the thread-start hook). JNA's and the JDK's
     * warnings have none of these.
     */
    static List<String> agentsJniWarnings(String output) {
        return output.lines()
                .filter(l -> l.contains("Native frames:") || AGENT_NATIVE.matcher(l).find()
                        || l.contains("at dev.rseqagent.tooling.shim.Shim.load("))
                .collect(Collectors.toList());
    }
}
