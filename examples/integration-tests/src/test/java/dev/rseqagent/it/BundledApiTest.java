package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.apps.BundledApiApp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application that bundles rseq-agent.jar behind a loader that looks in its own jars first gets a second copy
 * of the API, which the agent never sees: it says so and what to do, instead of "not attached".
 */
class BundledApiTest {
    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void aBundledCopyOfTheApiSaysWhyItHasNoAgent(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).run(BundledApiApp.class);
        RewritingTest.assertChecksPassing(r, 3);
        assertTrue(r.stdout.contains("BUNDLED rseq-agent is running, but this copy of its API was loaded by"
                + " java.net.URLClassLoader"), r.describe());
        assertTrue(r.stdout.contains("the application bundles rseq-agent.jar; depend on it with provided (compileOnly)"
                + " scope"), r.describe());
    }
}
