package dev.rseqagent.tooling.rewrite;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Guards the JDK's free paths: {@code jdk.internal.misc.Unsafe} (which
 * sun.misc.Unsafe, direct buffers and every other JDK free goes through) gets
 * a range check at the top of freeMemory and reallocateMemory, so a shim
 * address freed by code that was not rewritten returns to the shim. Stays
 * registered, so another agent's retransformation keeps the guard.
 *
 * <p>Written with Byte Buddy's ASM, not its Advice: only the two methods are
 * rewritten, the other few hundred are copied as they are, and none of Byte
 * Buddy's type model is built for the JDK's largest class (~0.5 s of a cold
 * JVM's start-up with Advice).
 */
final class JdkFreeGuardTransformer implements ClassFileTransformer {
    static final String UNSAFE = "jdk/internal/misc/Unsafe";

    private volatile Throwable failure;
    private volatile int guardedMethods;

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader != null || !UNSAFE.equals(className)) {
            return null;
        }
        try {
            int[] guarded = new int[1];
            byte[] result = guard(classFile, guarded);
            guardedMethods = guarded[0];
            return guarded[0] == JdkFreeGuardPrologue.METHODS ? result : null;
        } catch (Throwable t) {
            failure = t;
            return null;
        }
    }

    /** Unsafe's class file with both prologues in; guarded[0] gets how many methods got one. */
    static byte[] guard(byte[] classFile, int[] guarded) {
        ClassReader reader = OpenedClassReader.of(classFile);
        ClassWriter writer = new ClassWriter(reader, 0); // unchanged methods are copied, not re-encoded
        reader.accept(new ClassVisitor(OpenedClassReader.ASM_API, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                MethodVisitor guardedMethod = JdkFreeGuardPrologue.wrap(access, name, descriptor, next);
                if (guardedMethod != next) {
                    guarded[0]++;
                }
                return guardedMethod;
            }
        }, 0);
        return writer.toByteArray();
    }

    /** After retransforming Unsafe: null if the guard is in place, else why not. */
    String problem() {
        if (guardedMethods == JdkFreeGuardPrologue.METHODS) {
            return null;
        }
        if (failure != null) {
            return String.valueOf(failure);
        }
        return guardedMethods == 0 ? "jdk.internal.misc.Unsafe was not transformed"
                : "only " + guardedMethods + " of jdk.internal.misc.Unsafe's free paths were found";
    }
}
