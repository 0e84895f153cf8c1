package dev.rseqagent.tooling.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShimTest {
    private static final String USER = System.getProperty("user.name");
    private static final Platform X86_64 = Platform.current("Linux", "amd64");

    @TempDir
    Path tmp;

    private URLClassLoader loader;

    @AfterEach
    void closeLoader() throws IOException {
        if (loader != null) {
            loader.close();
        }
    }

    @Test
    void theUsersCacheDirectoryFollowsTheTemporaryDirectory() {
        assertEquals(List.of(Path.of("/t"), Path.of("/xdg")), Shim.extractionBases("/t", "/xdg", "/home/u"));
        assertEquals(List.of(Path.of("/t"), Path.of("/home/u/.cache")), Shim.extractionBases("/t", null, "/home/u"));
        assertEquals(List.of(Path.of("/t"), Path.of("/home/u/.cache")), Shim.extractionBases("/t", "", "/home/u"));
        assertEquals(List.of(Path.of("/t")), Shim.extractionBases("/t", null, "?"), "no home (the JVM's '?')");
    }

    /** A directory that cannot hold the shim (here: a file where it should be) is passed over for the next. */
    @Test
    void theShimLoadsFromTheFirstDirectoryThatCanHoldIt() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("tmpdir-is-a-file"), "x");
        Path cache = tmp.resolve("cache/of/a/new/user");
        byte[] library = Files.readAllBytes(Path.of("/lib/x86_64-linux-gnu/libdl.so.2")); // loadable, no JNI_OnLoad

        Shim shim = Shim.load(loaderWith(library), X86_64, List.of(notADirectory, cache), USER);

        assertTrue(shim.path().startsWith(cache.resolve("rseq-agent-" + USER)), shim.path().toString());
    }

    @Test
    void whenNoDirectoryCanHoldItTheErrorNamesEachAndWhy() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("tmpdir-is-a-file"), "x");
        Path unloadable = tmp.resolve("writable");
        ClassLoader notALibrary = loaderWith("not an ELF file, and long enough for the loader to say so. ".repeat(4)
                .getBytes(StandardCharsets.UTF_8));

        IOException e = assertThrows(IOException.class,
                () -> Shim.load(notALibrary, X86_64, List.of(notADirectory, unloadable), USER));

        String message = e.getMessage();
        assertTrue(message.startsWith("the shim could be extracted and loaded in none of its directories ("
                + notADirectory + ": "), message);
        assertTrue(message.contains("; " + unloadable + ": "), message);
        assertTrue(message.contains("invalid ELF header"), "the dynamic loader's own reason\n" + message);
        assertTrue(message.endsWith("give the JVM -Djava.io.tmpdir=<a directory it can write and map executable>"),
                message);
    }

    /** A class loader that serves {@code bytes} as the x86-64 shim, and nothing else. */
    private ClassLoader loaderWith(byte[] bytes) throws IOException {
        Path root = tmp.resolve("resources-" + System.nanoTime());
        Path file = root.resolve(X86_64.shimResource());
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
        return loader;
    }
}
