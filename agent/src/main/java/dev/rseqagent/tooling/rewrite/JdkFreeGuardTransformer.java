package dev.rseqagent.tooling.rewrite;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Guards the JDK's free paths: {@code jdk.internal.misc.Unsafe} (which
 * sun.misc.Unsafe, direct buffers and every other JDK free goes through) gets
 * a range check at the top of freeMemory and reallocateMemory, so a shim
 * address freed by code that was not rewritten returns to the shim. Stays
 * registered, so another agent's retransformation keeps the guard.
 */
final class JdkFreeGuardTransformer implements ClassFileTransformer {
    static final String UNSAFE = "jdk/internal/misc/Unsafe";

    private final ClassFileLocator adviceClasses = ClassFileLocator.ForClassLoader.of(FreeMemoryAdvice.class.getClassLoader());
    private volatile Throwable failure;
    private volatile boolean applied;

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader != null || !UNSAFE.equals(className)) {
            return null;
        }
        try {
            byte[] guarded = guard(classFile);
            applied = true;
            return guarded;
        } catch (Throwable t) {
            failure = t;
            return null;
        }
    }

    private byte[] guard(byte[] classFile) {
        String name = UNSAFE.replace('/', '.');
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                ClassFileLocator.ForClassLoader.ofBootLoader());
        TypeDescription type = TypePool.Default.of(locator).describe(name).resolve();
        return new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(Implementation.Context.Disabled.Factory.INSTANCE) // adds no member: retransformation allows none
                .redefine(type, locator)
                .visit(Advice.to(FreeMemoryAdvice.class, adviceClasses)
                        .on(named("freeMemory").and(takesArguments(long.class))))
                .visit(Advice.to(ReallocateMemoryAdvice.class, adviceClasses)
                        .on(named("reallocateMemory").and(takesArguments(long.class, long.class))))
                .make()
                .getBytes();
    }

    /** After retransforming Unsafe: null if the guard is in place, else why not. */
    String problem() {
        if (applied) {
            return null;
        }
        return failure != null ? String.valueOf(failure) : "jdk.internal.misc.Unsafe was not transformed";
    }
}
