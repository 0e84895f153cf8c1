package dev.rseqagent.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Build step, not in the agent jar: flags {@code Agent.premain} ACC_VARARGS
 * in the copy of Agent.class the jar gets.
 *
 * <p>Why: the JDK calls premain by core reflection, which from JDK 18 builds a
 * method handle for it and, in a cold JVM, spins seven lambda-form classes
 * (7-12 ms of JDK 25's start-up here). For a varargs-flagged method whose
 * last parameter is no array, reflection keeps to its native accessor
 * instead (JDK 18+ {@code MethodHandleAccessorFactory.useNativeAccessor}). The
 * flag changes nothing else: the JVM does not read it, and no code compiles
 * against the agent.
 */
final class VarargsPremain {
    static final String DESCRIPTOR = "(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V";

    private VarargsPremain() {
    }

    /** args[0]: the Agent.class to rewrite in place. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        ClassWriter writer = new ClassWriter(0);
        int[] flagged = {0};
        new ClassReader(Files.readAllBytes(file)).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                boolean premain = name.equals("premain") && descriptor.equals(DESCRIPTOR);
                flagged[0] += premain ? 1 : 0;
                return super.visitMethod(premain ? access | Opcodes.ACC_VARARGS : access, name, descriptor, signature,
                        exceptions);
            }
        }, 0);
        if (flagged[0] != 1) {
            throw new IllegalStateException(file + " has no premain" + DESCRIPTOR);
        }
        Files.write(file, writer.toByteArray());
    }
}
