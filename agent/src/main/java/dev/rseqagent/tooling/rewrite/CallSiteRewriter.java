package dev.rseqagent.tooling.rewrite;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Swaps replaced call instructions for calls to the facade in one class file.
 * A swap keeps the operand stack as it was, so no frame is recomputed and
 * methods without a swap are copied as they are.
 */
final class CallSiteRewriter {
    private final List<Replacement> replacements;
    private final byte[][] ownerNames;

    CallSiteRewriter(List<Replacement> replacements) {
        this.replacements = replacements;
        this.ownerNames = replacements.stream().map(r -> r.owner).distinct()
                .map(o -> o.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /** The rewritten class, or null when it has no call to replace; sites[0] gets the number swapped. */
    byte[] rewrite(byte[] classFile, int[] sites) {
        sites[0] = 0;
        if (!mentionsAnOwner(classFile)) {
            return null; // the usual case, decided without parsing
        }
        ClassReader reader = OpenedClassReader.of(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(OpenedClassReader.ASM_API, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new Swapper(super.visitMethod(access, name, descriptor, signature, exceptions), sites);
            }
        }, 0);
        return sites[0] == 0 ? null : writer.toByteArray();
    }

    /** A replaced owner's name appears in the constant pool (a cheap byte search over the file). */
    private boolean mentionsAnOwner(byte[] classFile) {
        for (byte[] owner : ownerNames) {
            if (indexOf(classFile, owner) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private final class Swapper extends MethodVisitor {
        private final int[] sites;

        Swapper(MethodVisitor next, int[] sites) {
            super(OpenedClassReader.ASM_API, next);
            this.sites = sites;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            for (Replacement r : replacements) {
                if (r.matches(opcode, owner, name, descriptor)) {
                    sites[0]++;
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, Replacement.SUBSTITUTES, r.substitute, r.substituteDescriptor, false);
                    return;
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }
    }
}
