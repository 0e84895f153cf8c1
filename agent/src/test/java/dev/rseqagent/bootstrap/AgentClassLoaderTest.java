package dev.rseqagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentClassLoaderTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "dev.rseqagent.Rseq",
            "dev.rseqagent.RseqThread",
            "dev.rseqagent.Owner",
            "dev.rseqagent.Rseq$Inner",
            "dev.rseqagent.bootstrap.X",
            "dev.rseqagent.bootstrap.Report",
            "dev.rseqagent.bootstrap.AgentStarter",
    })
    void publicApiAndBootstrapClassesAreSharedWithTheApplication(String className) {
        assertTrue(AgentClassLoader.isBootstrapSide(className), className);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "dev.rseqagent.tooling.X",
            "dev.rseqagent.tooling.AgentStarterImpl",
            "dev.rseqagent.tooling.log.OwnershipLog",
            "dev.rseqagent.tooling.shim.Shim",
            "org.slf4j.Logger",
            "ch.qos.logback.classic.Logger",
            "com.sun.jna.Native",
            "java.lang.String",
            "dev.rseqagentx.Rseq",
            "dev.rseqagent",
            "dev.rseqagent.bootstrapx.Y",
    })
    void toolingAndIsolatedLibrariesStayInTheAgentLoader(String className) {
        assertFalse(AgentClassLoader.isBootstrapSide(className), className);
    }
}
