package dev.rseqagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void theJarsDirectoryGivesAResourcesChecksumWithoutReadingIt(@TempDir Path tmp) throws Exception {
        byte[] content = "a nested library".getBytes(StandardCharsets.UTF_8);
        Path jar = tmp.resolve("agent.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("inst/lib/nested.bin"));
            out.write(content);
            out.closeEntry();
        }
        CRC32 crc = new CRC32();
        crc.update(content);
        AgentClassLoader loader = AgentClassLoader.over(jar, AgentClassLoaderTest.class.getClassLoader());

        assertArrayEquals(new long[] {crc.getValue(), content.length}, loader.recordedChecksum("lib/nested.bin"));
        assertNull(loader.recordedChecksum("lib/absent.bin"));
        assertNull(loader.recordedChecksum("inst/lib/nested.bin"), "names are relative to inst/, as for resources");
    }
}
