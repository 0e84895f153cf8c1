package dev.rseqagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.tooling.fixture.Packed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassPackTest {

    @Test
    void everyPackedClassComesBackByteForByte() throws IOException {
        TreeMap<String, byte[]> classes = new TreeMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 600; i++) {
            byte[] body = new byte[random.nextInt(20_000)];
            random.nextBytes(body);
            classes.put("p" + (i % 7) + "/C" + i, body);
        }
        ClassPack pack = open(ClassPack.Writer.pack(classes));

        for (var e : classes.entrySet()) {
            assertArrayEquals(e.getValue(), pack.classFile(e.getKey()), e.getKey());
        }
        assertNull(pack.classFile("p0/Absent"));
        assertNull(pack.classFile("p0.C0"), "paths, not binary names");
    }

    @Test
    void namesWithTheSameHashAreToldApart() throws IOException {
        assertEquals("a/Aa".hashCode(), "a/BB".hashCode());
        TreeMap<String, byte[]> classes = new TreeMap<>();
        classes.put("a/Aa", bytes("first"));
        classes.put("a/BB", bytes("second"));
        ClassPack pack = open(ClassPack.Writer.pack(classes));

        assertArrayEquals(bytes("first"), pack.classFile("a/Aa"));
        assertArrayEquals(bytes("second"), pack.classFile("a/BB"));
        assertNull(pack.classFile("a/C#"), "same hash as neither, probes to an empty slot");
    }

    @Test
    void theWriterPacksTheClassFilesOfItsDirectoriesWithoutLocalVariableTables(@TempDir Path tmp) throws Exception {
        byte[] packed = classFile(Packed.class);
        byte[] nested = classFile(ClassPackTest.class);
        Path one = Files.createDirectories(tmp.resolve("one/dev/rseqagent/tooling/fixture"));
        Path two = Files.createDirectories(tmp.resolve("two/dev/rseqagent/bootstrap"));
        Files.write(one.resolve("Packed.class"), packed);
        Files.write(one.resolve("notes.txt"), bytes("not a class"));
        Files.write(two.resolve("ClassPackTest.class"), nested);
        Path out = tmp.resolve("classes.pack");

        ClassPack.Writer.main(new String[] {out.toString(), tmp.resolve("one").toString(), tmp.resolve("two").toString()});

        ClassPack pack = open(Files.readAllBytes(out));
        byte[] fromPack = pack.classFile("dev/rseqagent/tooling/fixture/Packed");
        assertNull(pack.classFile("dev/rseqagent/tooling/fixture/notes"));
        assertArrayEquals(ClassPack.Writer.withoutLocalVariables(nested), pack.classFile("dev/rseqagent/bootstrap/ClassPackTest"));
        assertTrue(contains(nested, "LocalVariableTable"), "the test classes are compiled with -g");
        assertFalse(contains(fromPack, "LocalVariableTable"));
        assertTrue(contains(fromPack, "LineNumberTable"), "stack traces keep their line numbers");
        Class<?> defined = new ClassLoader(null) {
            Class<?> define() {
                return defineClass("dev.rseqagent.tooling.fixture.Packed", fromPack, 0, fromPack.length);
            }
        }.define();
        assertEquals("packed", defined.getDeclaredConstructor().newInstance().toString());
    }

    @Test
    void somethingElseIsRefused() {
        assertThrows(IOException.class, () -> open(bytes("PK\u0003\u0004 a zip, not a pack")));
        assertThrows(IOException.class, () -> open(new byte[0]));
        byte[] tooShort = new byte[] {0x52, 0x51, 0x43, 0x51, 0, 0, 0x10, 0, 0, 0, 0, 12};
        assertThrows(IOException.class, () -> open(tooShort), "4096 slots announced in a 12-byte index");
    }

    @Test
    void anEntryCutShortIsAnErrorNotAShorterClass() throws IOException {
        TreeMap<String, byte[]> classes = new TreeMap<>();
        classes.put("a/A", bytes("a class file of some length"));
        byte[] packed = ClassPack.Writer.pack(classes);
        ClassPack pack = open(Arrays.copyOf(packed, packed.length - 3));

        assertThrows(IOException.class, () -> pack.classFile("a/A"));
    }

    /** The jar written over in place under a running JVM: the old offsets hold other bytes, which are refused. */
    @Test
    void aClassWhoseBytesChangedOnDiskIsRefusedByName() throws IOException {
        TreeMap<String, byte[]> classes = new TreeMap<>();
        classes.put("a/A", bytes("the first class file"));
        classes.put("a/B", bytes("the second class file"));
        byte[] packed = ClassPack.Writer.pack(classes);
        byte[] overwritten = packed.clone();
        overwritten[overwritten.length - 1] ^= 1; // the last byte of the last class file, a/B
        ClassPack pack = open(overwritten);

        assertArrayEquals(bytes("the first class file"), pack.classFile("a/A"));
        ClassPack.ChangedOnDisk changed = assertThrows(ClassPack.ChangedOnDisk.class, () -> pack.classFile("a/B"));
        assertEquals("a/B", changed.path);
    }

    /** A pack over an array, read past its end as the jar's entry would be: an IOException. */
    private static ClassPack open(byte[] packed) throws IOException {
        return ClassPack.open((at, into) -> {
            if (at + into.length > packed.length) {
                throw new IOException("past the end");
            }
            System.arraycopy(packed, (int) at, into, 0, into.length);
        });
    }

    private static byte[] classFile(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Whether the class file holds this name (ASM writes a fresh constant pool: unused names are gone). */
    private static boolean contains(byte[] classFile, String name) {
        return new String(classFile, StandardCharsets.ISO_8859_1).contains(name);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
