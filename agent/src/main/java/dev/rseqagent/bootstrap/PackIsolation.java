package dev.rseqagent.bootstrap;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

/**
 * Build time, for {@code ClassPack.Writer}: what the isolated libraries would
 * otherwise do to the JVM's global state, pointed at the agent's stand-ins.
 * {@code java.util.logging.Logger} and {@code Level} become
 * {@code tooling.log.JulLoggerStandIn} and its {@code Level} in every packed
 * class (a real Logger initialises the JVM's one LogManager; and so the
 * java.logging module need not be in the runtime at all).
 * JNA's system-property calls go to {@code tooling.shim.JnaProperties} (so the
 * agent sets no global property while its JNA starts, holds no lock the
 * application's {@code System.setProperty} would wait on, and what JNA records
 * stays private). The build fails when a class uses a member its stand-in
 * does not declare: it would fail at run time instead. Never in the jar.
 */
final class PackIsolation {
    static final String LOGGER = "java/util/logging/Logger";
    static final String LOGGER_STAND_IN = "dev/rseqagent/tooling/log/JulLoggerStandIn";
    static final String LEVEL = "java/util/logging/Level";
    static final String LEVEL_STAND_IN = "dev/rseqagent/tooling/log/JulLoggerStandIn$Level";
    static final String PROPERTIES_STAND_IN = "dev/rseqagent/tooling/shim/JnaProperties";
    static final String JNA = "com/sun/jna/";
    /** The static calls of JNA's classes that JnaProperties takes: "owner.name descriptor". */
    private static final Set<String> PROPERTY_CALLS = Set.of(
            "java/lang/System.getProperty (Ljava/lang/String;)Ljava/lang/String;",
            "java/lang/System.getProperty (Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;",
            "java/lang/System.setProperty (Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;",
            "java/lang/Boolean.getBoolean (Ljava/lang/String;)Z");

    private PackIsolation() {
    }

    /** Rewrites, in place, every class ("a/b/C" to class file) that uses what a stand-in replaces. */
    static void apply(TreeMap<String, byte[]> classes) {
        Map<String, Set<String>> declared = new HashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            byte[] isolated = isolate(e.getValue(), e.getKey().startsWith(JNA));
            if (isolated == null) {
                continue;
            }
            for (String standIn : List.of(LOGGER_STAND_IN, LEVEL_STAND_IN, PROPERTIES_STAND_IN)) {
                Set<String> used = usedMembers(isolated, standIn);
                if (used.isEmpty()) {
                    continue;
                }
                byte[] standInClass = classes.get(standIn);
                if (standInClass == null) {
                    throw new IllegalStateException(e.getKey() + " needs " + standIn
                            + ", which is not among the classes packed");
                }
                Set<String> lacking = new TreeSet<>(used);
                lacking.removeAll(declared.computeIfAbsent(standIn, k -> declaredMembers(standInClass)));
                if (!lacking.isEmpty()) {
                    throw new IllegalStateException(e.getKey() + " uses " + lacking + ", which " + standIn
                            + " does not declare");
                }
            }
            e.setValue(isolated);
        }
    }

    /**
     * The class file with the stand-ins in ({@code jna}: its property calls
     * too), or null when it uses nothing they stand in for.
     */
    static byte[] isolate(byte[] classFile, boolean jna) {
        if (!jna && !new String(classFile, StandardCharsets.ISO_8859_1).contains("java/util/logging/")) {
            return null; // quick: a class that uses the Logger or Level has the name in its constant pool
        }
        boolean[] changed = {false};
        ClassWriter writer = new ClassWriter(0);
        ClassVisitor calls = jna ? propertyCallsRetargeted(writer, changed) : writer;
        new ClassReader(classFile).accept(new ClassRemapper(calls, new SimpleRemapper(Map.of(LOGGER, LOGGER_STAND_IN,
                LEVEL, LEVEL_STAND_IN)) {
            @Override
            public String map(String key) {
                String mapped = super.map(key);
                changed[0] |= mapped != null;
                return mapped;
            }
        }), 0);
        return changed[0] ? writer.toByteArray() : null;
    }

    private static ClassVisitor propertyCallsRetargeted(ClassVisitor next, boolean[] changed) {
        return ClassPack.Writer.eachMethod(next, method -> new MethodVisitor(Opcodes.ASM9, method) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                if (opcode == Opcodes.INVOKESTATIC && PROPERTY_CALLS.contains(owner + "." + n + " " + d)) {
                    changed[0] = true;
                    owner = PROPERTIES_STAND_IN;
                }
                super.visitMethodInsn(opcode, owner, n, d, itf);
            }
        });
    }

    /** A class's methods and fields as "[static ]name descriptor". */
    private static Set<String> declaredMembers(byte[] classFile) {
        Set<String> members = new HashSet<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                members.add(member((access & Opcodes.ACC_STATIC) != 0, name, descriptor));
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                members.add(member((access & Opcodes.ACC_STATIC) != 0, name, descriptor));
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return members;
    }

    /** The members of {@code owner} the class's code uses, as in declaredMembers. */
    private static Set<String> usedMembers(byte[] classFile, String owner) {
        Set<String> used = new HashSet<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String o, String n, String d, boolean itf) {
                        if (o.equals(owner)) {
                            used.add(member(opcode == Opcodes.INVOKESTATIC, n, d));
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String o, String n, String d) {
                        if (o.equals(owner)) {
                            used.add(member(opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC, n, d));
                        }
                    }
                };
            }
        }, 0);
        return used;
    }

    private static String member(boolean isStatic, String name, String descriptor) {
        return (isStatic ? "static " : "") + name + " " + descriptor;
    }
}
