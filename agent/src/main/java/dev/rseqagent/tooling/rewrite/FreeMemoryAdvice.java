package dev.rseqagent.tooling.rewrite;

import dev.rseqagent.boot.JdkFreeGuard;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the top of {@code jdk.internal.misc.Unsafe.freeMemory(long)}: a
 * shim address is freed by the shim and the JDK's method is skipped; any
 * other address costs one range check.
 */
final class FreeMemoryAdvice {
    private FreeMemoryAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(0) long address) {
        return JdkFreeGuard.freed(address);
    }
}
