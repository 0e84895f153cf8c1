package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.alloc.UnsafeApp;
import dev.rseqagent.it.apps.LateSecurityManagerApp;
import dev.rseqagent.it.plain.PlainApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A security manager (JDK 17-23): with the policy's grant to the agent jar,
 * all of the agent holds it, also where an application with few permissions
 * of its own calls the agent; without a grant, one line.
 */
class SecurityManagerTest {
    private static final String AGENT_GRANT =
            "grant codeBase \"file:" + JvmRun.AGENT_JAR + "\" { permission java.security.AllPermission; };\n";

    @TempDir
    Path tmp;

    static List<Jdk> jdksWithASecurityManager() {
        return Jdk.before(24);
    }

    /** The application's classes get these permissions ({@code type "name"[, "actions"]}) and no others. */
    private static String appGrant(String... permissions) {
        StringBuilder sb = new StringBuilder("grant codeBase \"file:" + JvmRun.APP_CLASSES + "/-\" {\n");
        for (String permission : permissions) {
            sb.append("  permission ").append(permission).append(";\n");
        }
        return sb.append("};\n").toString();
    }

    /** manager: "" installs one at start-up, "allow" lets the application install one. */
    private JvmRun underPolicy(Jdk jdk, String manager, String name, String policy) throws Exception {
        Path file = Files.writeString(tmp.resolve(name + ".policy"), policy);
        return JvmRun.on(jdk).jvmArg("-Djava.security.manager" + (manager.isEmpty() ? "" : "=" + manager))
                .jvmArg("-Djava.security.policy==" + file);
    }

    /** -Djava.security.manager from the start (Tomcat's -security, say): rewriting and the API as usual, or one line. */
    @ParameterizedTest
    @MethodSource("jdksWithASecurityManager")
    void fromTheStart(Jdk jdk) throws Exception {
        String app = appGrant("java.lang.RuntimePermission \"accessClassInPackage.sun.misc\"",
                "java.lang.RuntimePermission \"accessDeclaredMembers\"",
                "java.lang.reflect.ReflectPermission \"suppressAccessChecks\"",
                "java.util.PropertyPermission \"it.*\", \"read\"",
                "java.lang.management.ManagementPermission \"monitor\"");
        JvmRun.Result r = underPolicy(jdk, "", "granted", AGENT_GRANT + app)
                .agentArgs(RewritingTest.ALLOC).run(UnsafeApp.class);
        RewritingTest.assertChecksPass(r);
        assertEquals("NEW->GLIBC/rseq", ThreadOwnershipTest.single(r, "main", "premain").transition(), r.describe());

        JvmRun.Result baseline = underPolicy(jdk, "", "app-only", app).withoutAgent()
                .run(PlainApp.class);
        JvmRun.Result off = underPolicy(jdk, "", "app-only", app).agentArgs(RewritingTest.ALLOC).run(PlainApp.class);
        assertEquals(0, baseline.exitCode, baseline.describe());
        assertEquals(baseline.exitCode, off.exitCode, off.describe());
        assertEquals(baseline.stdout, off.stdout, off.describe());
        List<String> added = new ArrayList<>(off.stderrLines());
        added.removeAll(baseline.stderrLines());
        assertEquals(1, added.size(), off.describe());
        assertTrue(added.get(0).startsWith("[rseq-agent] ERROR rseq-agent disabled, the application runs without it: "
                + "java.security.AccessControlException: access denied"), off.describe());
    }

    /**
     * One the application installs in main (Elasticsearch's way): with the grant, also before the agent has bound
     * its control plane in the background, the MBean is registered from the agent's own thread and the API serves
     * the application's threads. Without it, once bound, the API still does and the MBean is off with one line.
     */
    @ParameterizedTest
    @MethodSource("jdksWithASecurityManager")
    void installedByTheApplication(Jdk jdk) throws Exception {
        String app = appGrant("java.lang.RuntimePermission \"setSecurityManager\"",
                "java.lang.RuntimePermission \"createSecurityManager\"",
                "javax.management.MBeanServerPermission \"createMBeanServer\"");
        for (boolean granted : new boolean[] {true, false}) {
            JvmRun.Result r = underPolicy(jdk, "allow", "granted-" + granted, granted ? AGENT_GRANT + app : app)
                    .classPath(JvmRun.AGENT_JAR)
                    .run(LateSecurityManagerApp.class, granted ? "10" : "3", // the agent looks every second
                            granted ? "at-once" : "once-bound");
            assertEquals(0, r.exitCode, r.describe());
            assertEquals(List.of("MBEAN " + granted, "WORKER GLIBC"), r.stdoutLines(), r.describe());
            assertEquals(granted ? 0 : 1, r.stderrLines().stream().filter(l -> l.contains(
                    "WARN rseq-agent's MBean dev.rseqagent:type=RseqAgent is not available: "
                    + "java.security.AccessControlException")).count(), r.describe());
        }
    }
}
