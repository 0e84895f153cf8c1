package dev.rseqagent.tooling.rewrite;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * The code put in front of {@code jdk.internal.misc.Unsafe}'s own body:
 * <pre>
 *   freeMemory(address):              if (JdkFreeGuard.freed(address)) return;
 *   reallocateMemory(address, bytes): long moved = JdkFreeGuard.reallocated(address, bytes);
 *                                     if (moved != 0) return moved;
 * </pre>
 * The JDK's body follows unchanged. The one stack map frame added (where the
 * JDK's body, or the pop before it, starts) has the method's initial locals,
 * so the JDK's own frames, each relative to the one before, stay right.
 */
final class JdkFreeGuardPrologue extends MethodVisitor {
    /** freeMemory and reallocateMemory. */
    static final int METHODS = 2;
    private static final String GUARD = "dev/rseqagent/boot/JdkFreeGuard";
    /** reallocateMemory's prologue holds three longs: moved, its copy, and 0L. */
    private static final int PROLOGUE_STACK = 6;

    private final boolean reallocate;

    private JdkFreeGuardPrologue(MethodVisitor next, boolean reallocate) {
        super(OpenedClassReader.ASM_API, next);
        this.reallocate = reallocate;
    }

    /** A visitor that puts the prologue in front of {@code next}'s code if this is one of the two methods, else next. */
    static MethodVisitor wrap(int access, String name, String descriptor, MethodVisitor next) {
        if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return next;
        }
        if (name.equals("freeMemory") && descriptor.equals("(J)V")) {
            return new JdkFreeGuardPrologue(next, false);
        }
        if (name.equals("reallocateMemory") && descriptor.equals("(JJ)J")) {
            return new JdkFreeGuardPrologue(next, true);
        }
        return next;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        Label jdkBody = new Label();
        super.visitVarInsn(Opcodes.LLOAD, 1); // address (local 0 is this)
        if (reallocate) {
            super.visitVarInsn(Opcodes.LLOAD, 3); // bytes
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "reallocated", "(JJ)J", false);
            super.visitInsn(Opcodes.DUP2);
            super.visitInsn(Opcodes.LCONST_0);
            super.visitInsn(Opcodes.LCMP);
            super.visitJumpInsn(Opcodes.IFEQ, jdkBody);
            super.visitInsn(Opcodes.LRETURN);
            super.visitLabel(jdkBody);
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {Opcodes.LONG});
            super.visitInsn(Opcodes.POP2);
        } else {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "freed", "(J)Z", false);
            super.visitJumpInsn(Opcodes.IFEQ, jdkBody);
            super.visitInsn(Opcodes.RETURN);
            super.visitLabel(jdkBody);
            // A frame of the JDK's own at its first instruction must be this same one (ASM then keeps one);
            // any other fails the guard, and rewriting stays off.
            super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(Math.max(maxStack, PROLOGUE_STACK), maxLocals);
    }
}
