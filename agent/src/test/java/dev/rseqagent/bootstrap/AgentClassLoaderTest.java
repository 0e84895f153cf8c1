package dev.rseqagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
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

    /** Stored, as agent/pom.xml lays it out (read in place), or deflated by a repackaging tool (read through ZipFile). */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void classesAreDefinedFromThePackInTheJar(boolean stored, @TempDir Path tmp) throws Exception {
        String path = "dev/rseqagent/tooling/fixture/Packed";
        byte[] classFile;
        try (InputStream in = AgentClassLoaderTest.class.getResourceAsStream("/" + path + ".class")) {
            classFile = in.readAllBytes();
        }
        TreeMap<String, byte[]> classes = new TreeMap<>();
        classes.put(path, classFile);
        byte[] pack = ClassPack.Writer.pack(classes);
        Path jar = tmp.resolve("agent.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("inst/first.txt")); // the pack is not the first entry
            out.write("before the pack".getBytes(StandardCharsets.UTF_8));
            ZipEntry entry = new ZipEntry("inst/classes.pack");
            if (stored) {
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(pack.length);
                CRC32 crc = new CRC32();
                crc.update(pack);
                entry.setCrc(crc.getValue());
            }
            out.putNextEntry(entry);
            out.write(pack);
            out.closeEntry();
        }
        AgentClassLoader loader = AgentClassLoader.over(jar, AgentClassLoaderTest.class.getClassLoader());

        Class<?> packed = loader.loadClass("dev.rseqagent.tooling.fixture.Packed");
        assertSame(loader, packed.getClassLoader(), "defined from the pack, not the test's class path");
        assertEquals("packed", packed.getDeclaredConstructor().newInstance().toString());
        try (InputStream in = loader.getResourceAsStream(path + ".class")) {
            assertArrayEquals(classFile, in.readAllBytes(), "class-file readers see the packed bytes");
        }
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("dev.rseqagent.tooling.fixture.Absent"));
        assertSame(String.class, loader.loadClass("java.lang.String"), "the JDK's classes come from the JDK");
    }
}
