package dev.rseqagent.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The agent's isolated classes in one jar entry ({@code inst/classes.pack}),
 * looked up through a hash table written at build time. Why not one jar entry
 * per class: the JVM opens the agent jar before premain, and the JDK's zip
 * reader hashes every entry of its directory first, interpreted this early:
 * ~7 ms for the 600 classes of the agent, JNA, SLF4J and Logback, on every
 * start, before the agent runs at all. Here a lookup reads only its slots, and
 * only the index stays in memory: each class is read from the jar when it is
 * defined. Class files are stored as they are, not deflated: inflating cost
 * ~30 us a class this early (~3 ms before main), saving only 0.7 MB of jar.
 *
 * <p>Layout, big-endian:
 * <pre>
 *   index: int MAGIC, int slots (a power of two, at most half full), int index length
 *       slots x { int hash, int nameAt, int dataAt, int length, int crc32 }
 *           hash: String.hashCode of the class's path ("a/b/C"); nameAt 0: empty slot;
 *           linear probing from hash &amp; (slots - 1)
 *       names: u2 length, then the path in UTF-8
 *   data: the class files
 * </pre>
 * Each class file's CRC-32 is checked as it is read: a jar written over in
 * place while the JVM runs (a deployment copying a new version onto the old
 * file) would otherwise hand the JVM bytes of the new file at the old offsets.
 */
final class ClassPack {
    static final int MAGIC = 0x52514351; // "RQCQ": slots with a CRC-32
    private static final int HEADER = 12;
    private static final int SLOT = 20;

    /** A class file read from the pack no longer matches its CRC-32: the file changed under the running JVM. */
    static final class ChangedOnDisk extends IOException {
        final String path;

        ChangedOnDisk(String path) {
            super(path + " differs from the agent jar this JVM opened: the jar was written over while it runs");
            this.path = path;
        }
    }

    /** Where the pack's bytes are: the jar file ({@link StoredEntry}), its ZipFile entry, or (in tests) an array. */
    interface Source {
        /** Fills {@code into} with the pack's bytes from offset {@code at}; IOException past its end. */
        void read(long at, byte[] into) throws IOException;
    }

    private final Source source;
    private final byte[] index;
    private final int mask;

    private ClassPack(Source source, byte[] index, int slots) {
        this.source = source;
        this.index = index;
        this.mask = slots - 1;
    }

    /** Reads the pack's index from {@code source}. */
    static ClassPack open(Source source) throws IOException {
        byte[] header = new byte[HEADER];
        source.read(0, header);
        int slots = intAt(header, 0) == MAGIC ? intAt(header, 4) : 0;
        int length = intAt(header, 8);
        if (slots <= 0 || Integer.bitCount(slots) != 1 || length < HEADER + (long) slots * SLOT) {
            throw new IOException("not a class pack");
        }
        byte[] index = new byte[length];
        source.read(0, index);
        return new ClassPack(source, index, slots);
    }

    /** The class file at {@code path} ("a/b/C"), or null if the pack has no such class. */
    byte[] classFile(String path) throws IOException {
        int hash = path.hashCode();
        for (int i = hash & mask;; i = (i + 1) & mask) {
            int slot = HEADER + i * SLOT;
            int nameAt = intAt(index, slot + 4);
            if (nameAt == 0) {
                return null;
            }
            if (intAt(index, slot) == hash && nameIs(nameAt, path)) {
                byte[] classFile = new byte[intAt(index, slot + 12)];
                source.read(intAt(index, slot + 8) & 0xffffffffL, classFile);
                if (crc32(classFile) != intAt(index, slot + 16)) {
                    throw new ChangedOnDisk(path);
                }
                return classFile;
            }
        }
    }

    /** No String decoded per lookup: of equal lengths, only an ASCII name can be equal. */
    private boolean nameIs(int at, String path) {
        int length = (index[at] & 0xff) << 8 | index[at + 1] & 0xff;
        if (length != path.length()) {
            return new String(index, at + 2, length, StandardCharsets.UTF_8).equals(path); // a hash collision, or non-ASCII
        }
        return asciiEquals(index, at + 2, path);
    }

    /**
     * Whether {@code s.length()} bytes from {@code at} spell {@code s}, compared
     * byte to char (a negative, non-ASCII byte never equals a char).
     */
    static boolean asciiEquals(byte[] b, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int crc32(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return (int) crc.getValue();
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    /**
     * Build time (agent/pom.xml runs it): {@code Writer <pack> <classes dir>...}
     * packs every .class under the directories, without their local-variable
     * tables (debug names nothing reads from the agent's classes; dropping them
     * cuts ~7% of the time the JVM takes to define a class, and the pack by
     * a tenth), and with what would reach the JVM's global state pointed at the
     * agent's stand-ins ({@link PackIsolation}).
     * Line numbers stay for stack traces. Never loaded by the agent.
     */
    static final class Writer {
        public static void main(String[] args) throws IOException {
            TreeMap<String, byte[]> classes = new TreeMap<>();
            for (int i = 1; i < args.length; i++) {
                Path root = Path.of(args[i]);
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                        String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                        classes.put(name.substring(0, name.length() - ".class".length()),
                                withoutLocalVariables(Files.readAllBytes(file)));
                    }
                }
            }
            PackIsolation.apply(classes);
            Files.write(Path.of(args[0]), pack(classes));
        }

        /** The pack of {@code classes} (path "a/b/C" to class file). */
        static byte[] pack(TreeMap<String, byte[]> classes) throws IOException {
            int slots = Integer.highestOneBit(Math.max(1, classes.size()) * 2 - 1) << 1;
            int namesAt = HEADER + slots * SLOT;
            ByteArrayOutputStream names = new ByteArrayOutputStream();
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            List<int[]> table = new ArrayList<>();
            for (var e : classes.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                table.add(new int[] {e.getKey().hashCode(), namesAt + names.size(), data.size(), e.getValue().length,
                        crc32(e.getValue())});
                names.write(name.length >> 8);
                names.write(name.length);
                names.write(name);
                data.write(e.getValue());
            }
            int dataAt = namesAt + names.size(); // = the index's length
            int[][] slotTable = new int[slots][];
            for (int[] entry : table) {
                entry[2] += dataAt;
                int i = entry[0] & (slots - 1);
                while (slotTable[i] != null) {
                    i = (i + 1) & (slots - 1);
                }
                slotTable[i] = entry;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(slots);
            out.writeInt(dataAt);
            for (int[] slot : slotTable) {
                for (int k = 0; k < SLOT / 4; k++) {
                    out.writeInt(slot == null ? 0 : slot[k]);
                }
            }
            names.writeTo(out);
            data.writeTo(out);
            out.flush();
            return bytes.toByteArray();
        }

        /** The class file without LocalVariableTable and LocalVariableTypeTable, else as it was. */
        static byte[] withoutLocalVariables(byte[] classFile) {
            ClassWriter writer = new ClassWriter(0);
            new ClassReader(classFile).accept(eachMethod(writer, method -> new MethodVisitor(Opcodes.ASM9, method) {
                @Override
                public void visitLocalVariable(String n, String d, String s, Label start, Label end, int i) {
                    // dropped
                }
            }), 0);
            return writer.toByteArray();
        }

        /** Build-time rewriting: a class visitor that passes each method's visitor through {@code wrap}. */
        static ClassVisitor eachMethod(ClassVisitor next, UnaryOperator<MethodVisitor> wrap) {
            return new ClassVisitor(Opcodes.ASM9, next) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    return wrap.apply(super.visitMethod(access, name, descriptor, signature, exceptions));
                }
            };
        }
    }
}
