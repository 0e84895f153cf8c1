package dev.rseqagent.tooling.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShimExtractorTest {
    private static final String RESOURCE = "META-INF/native/linux-x86_64/librseqagent-x86_64.so";
    private static final int UID = uid();
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

    private static int uid() {
        try {
            return ShimExtractor.processUid(Path.of("/proc/self"), List.of());
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Path base() throws IOException {
        return Files.createDirectories(tmp.resolve("base"));
    }

    /** A class loader that serves {@code bytes} as {@link #RESOURCE}, and nothing else. */
    private ClassLoader loaderWith(byte[] bytes) throws IOException {
        Path root = tmp.resolve("resources-" + System.nanoTime());
        Path file = root.resolve(RESOURCE);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        if (loader != null) {
            loader.close();
        }
        loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
        return loader;
    }

    private static String hashPrefix(byte[] bytes) throws Exception {
        return ShimExtractor.contentTag(bytes);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void extractsIntoAPrivateDirectoryNamedByContentHash() throws Exception {
        byte[] content = bytes("\u007fELF pretend shim");

        Path extracted = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID);

        Path dir = base().resolve("rseq-agent-" + UID);
        assertEquals(dir.resolve("librseqagent-x86_64-" + hashPrefix(content) + ".so"), extracted);
        assertArrayEquals(content, Files.readAllBytes(extracted));
        assertTrue(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(UID, Files.getAttribute(dir, "unix:uid"));
        assertEquals(List.of(extracted), listing(dir), "no temporary file left behind");
    }

    @Test
    void sameContentTwiceGivesTheSamePath() throws Exception {
        byte[] content = bytes("shim v1");
        Path first = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID);

        Path second = ShimExtractor.extract(loaderWith(content.clone()), RESOURCE, base(), UID);

        assertEquals(first, second);
        assertArrayEquals(content, Files.readAllBytes(second));
        assertEquals(1, listing(first.getParent()).size());
    }

    @Test
    void differentContentGetsADifferentPathAndKeepsTheOldOne() throws Exception {
        Path v1 = ShimExtractor.extract(loaderWith(bytes("shim v1")), RESOURCE, base(), UID);

        Path v2 = ShimExtractor.extract(loaderWith(bytes("shim v2")), RESOURCE, base(), UID);

        assertNotEquals(v1, v2);
        assertEquals(v1.getParent(), v2.getParent());
        assertArrayEquals(bytes("shim v1"), Files.readAllBytes(v1));
        assertArrayEquals(bytes("shim v2"), Files.readAllBytes(v2));
    }

    @Test
    void aCopyMatchingTheJarsRecordedChecksumIsUsedWithoutReadingTheJar() throws Exception {
        byte[] content = bytes("shim from the jar");
        Path first = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID);
        ClassLoader empty = new URLClassLoader(new URL[0], null); // reading the resource would fail

        Path again = ShimExtractor.extract(empty, RESOURCE, base(), UID, "librseqagent-x86_64-{hash}.so",
                ShimExtractor.contentTag(content));

        assertEquals(first, again);
        assertArrayEquals(content, Files.readAllBytes(again));
    }

    @Test
    void aDamagedCopyIsRewrittenFromTheJarWhenTheChecksumIsRecorded() throws Exception {
        byte[] content = bytes("shim from the jar");
        Path target = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID);
        Files.write(target, bytes("shim from the jaR"));

        Path again = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID,
                "librseqagent-x86_64-{hash}.so", ShimExtractor.contentTag(content));

        assertEquals(target, again);
        assertArrayEquals(content, Files.readAllBytes(again));
    }

    @Test
    void aResourceThatDoesNotMatchItsRecordedChecksumIsRefused() throws Exception {
        IOException e = assertThrows(IOException.class, () -> ShimExtractor.extract(loaderWith(bytes("what is there")),
                RESOURCE, base(), UID, "librseqagent-x86_64-{hash}.so", ShimExtractor.contentTag(bytes("recorded"))));

        assertTrue(e.getMessage().contains("does not match its own checksum"), e.getMessage());
        assertEquals(List.of(), listing(base().resolve("rseq-agent-" + UID)), "nothing written");
    }

    /** Truncated, or of the right length but other bytes (the CRC32 check). */
    @ParameterizedTest
    @ValueSource(strings = {"the whole", "the whole shin"})
    void aDamagedFileAtTheTargetIsReplaced(String damaged) throws Exception {
        byte[] content = bytes("the whole shim");
        Path target = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID);
        Files.write(target, bytes(damaged));

        Path again = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID);

        assertEquals(target, again);
        assertArrayEquals(content, Files.readAllBytes(again));
    }

    @Test
    void symlinkAtTheTargetIsReplacedNotFollowed() throws Exception {
        byte[] content = bytes("shim");
        Path dir = ShimExtractor.privateDirectory(base().resolve("rseq-agent-" + UID), UID);
        Path target = dir.resolve("librseqagent-x86_64-" + hashPrefix(content) + ".so");
        Path elsewhere = Files.write(tmp.resolve("elsewhere"), bytes("shim"));
        Files.createSymbolicLink(target, elsewhere);

        Path extracted = ShimExtractor.extract(loaderWith(content), RESOURCE, base(), UID);

        assertEquals(target, extracted);
        assertTrue(Files.isRegularFile(extracted, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.isSymbolicLink(extracted));
        assertArrayEquals(bytes("shim"), Files.readAllBytes(elsewhere));
    }

    @Test
    void missingResourceIsAnIOException() throws Exception {
        ClassLoader empty = loaderWith(bytes("x"));

        IOException e = assertThrows(IOException.class,
                () -> ShimExtractor.extract(empty, "META-INF/native/linux-aarch64/librseqagent-aarch64.so", base(), UID));

        assertTrue(e.getMessage().contains("librseqagent-aarch64.so"), e.getMessage());
        assertFalse(Files.exists(base().resolve("rseq-agent-" + UID)), "nothing created for a missing shim");
    }

    @Test
    void existingPrivateDirectoryIsReused() throws Exception {
        Path dir = base().resolve("rseq-agent-" + UID);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

        Path extracted = ShimExtractor.extract(loaderWith(bytes("s")), RESOURCE, base(), UID);

        assertEquals(dir, extracted.getParent());
    }

    @Test
    void refusesAnExistingDirectoryThatGroupOrOthersCanUse() throws Exception {
        for (String perms : List.of("rwxr-x---", "rwx---r-x", "rwxrwxrwx", "rwx-w----")) {
            Path dir = base().resolve("rseq-agent-" + UID);
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
            ClassLoader resources = loaderWith(bytes("s"));

            IOException e = assertThrows(IOException.class,
                    () -> ShimExtractor.extract(resources, RESOURCE, base(), UID), perms);

            assertTrue(e.getMessage().contains("has permissions " + perms), e.getMessage());
            assertEquals(List.of(), listing(dir), "nothing written into a refused directory");
            Files.delete(dir);
        }
    }

    @Test
    void refusesASymlinkInPlaceOfTheDirectory() throws Exception {
        Path real = tmp.resolve("attacker-dir");
        Files.createDirectory(real, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(base().resolve("rseq-agent-" + UID), real);
        ClassLoader resources = loaderWith(bytes("s"));

        IOException e = assertThrows(IOException.class,
                () -> ShimExtractor.extract(resources, RESOURCE, base(), UID));

        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(List.of(), listing(real), "nothing written through the link");
    }

    @Test
    void refusesAPlainFileInPlaceOfTheDirectory() throws Exception {
        Files.write(base().resolve("rseq-agent-" + UID), bytes("not a dir"));
        ClassLoader resources = loaderWith(bytes("s"));

        assertThrows(IOException.class, () -> ShimExtractor.extract(resources, RESOURCE, base(), UID));
    }

    @Test
    void refusesADirectoryOwnedBySomeoneElse() throws Exception {
        int otherUid = UID + 1;
        Path dir = base().resolve("rseq-agent-" + otherUid);
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        ClassLoader resources = loaderWith(bytes("s"));

        IOException e = assertThrows(IOException.class,
                () -> ShimExtractor.extract(resources, RESOURCE, base(), otherUid));

        assertTrue(e.getMessage().contains("belongs to uid " + UID + ", not uid " + otherUid), e.getMessage());
        assertEquals(List.of(), listing(dir));
    }

    // ---- where Shim.load extracts: the first base that can hold the shim ----

    @Test
    void theUsersCacheDirectoryFollowsTheTemporaryDirectory() {
        assertEquals(List.of(Path.of("/t"), Path.of("/xdg")), Shim.extractionBases("/t", "/xdg", "/home/u"));
        assertEquals(List.of(Path.of("/t"), Path.of("/home/u/.cache")), Shim.extractionBases("/t", null, "/home/u"));
        assertEquals(List.of(Path.of("/t"), Path.of("/home/u/.cache")), Shim.extractionBases("/t", "", "/home/u"));
        assertEquals(List.of(Path.of("/t")), Shim.extractionBases("/t", null, "?"), "no home (the JVM's '?')");
    }

    /** Without /proc (a chroot, a minimal sandbox) the user id is the owner of a file made in a base, then removed. */
    @Test
    void withoutProcTheUserIdIsTheOwnerOfAFileTheProcessMakes() throws Exception {
        Path noProc = tmp.resolve("no-proc/self");
        Path notADirectory = Files.writeString(tmp.resolve("tmpdir-is-a-file"), "x");

        assertEquals(UID, ShimExtractor.processUid(noProc, List.of(notADirectory, base())));
        try (Stream<Path> left = Files.list(base())) {
            assertEquals(List.of(), left.collect(Collectors.toList()), "the probe file is removed");
        }
        IOException e = assertThrows(IOException.class, () -> ShimExtractor.processUid(noProc, List.of(notADirectory)));
        assertTrue(e.getMessage().startsWith("cannot tell this process's user id (" + noProc + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("; " + notADirectory + ": "), e.getMessage());
    }

    /** A directory that cannot hold the shim (here: a file where it should be) is passed over for the next. */
    @Test
    void theShimLoadsFromTheFirstDirectoryThatCanHoldIt() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("tmpdir-is-a-file"), "x");
        Path cache = tmp.resolve("cache/of/a/new/user");
        byte[] library = Files.readAllBytes(Path.of("/lib/x86_64-linux-gnu/libdl.so.2")); // loadable, no JNI_OnLoad

        Shim shim = Shim.load(loaderWith(library), X86_64, List.of(notADirectory, cache), UID);

        assertTrue(shim.path().startsWith(cache.resolve("rseq-agent-" + UID)), shim.path().toString());
    }

    @Test
    void whenNoDirectoryCanHoldItTheErrorNamesEachAndWhy() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("tmpdir-is-a-file"), "x");
        Path unloadable = tmp.resolve("writable");
        ClassLoader notALibrary = loaderWith("not an ELF file, and long enough for the loader to say so. ".repeat(4)
                .getBytes(StandardCharsets.UTF_8));

        IOException e = assertThrows(IOException.class,
                () -> Shim.load(notALibrary, X86_64, List.of(notADirectory, unloadable), UID));

        String message = e.getMessage();
        assertTrue(message.startsWith("the shim could be extracted and loaded in none of its directories ("
                + notADirectory + ": "), message);
        assertTrue(message.contains("; " + unloadable + ": "), message);
        assertTrue(message.contains("invalid ELF header"), "the dynamic loader's own reason\n" + message);
        assertTrue(message.endsWith("give the JVM -Djava.io.tmpdir=<a directory it can write and map executable>"),
                message);
    }
}
