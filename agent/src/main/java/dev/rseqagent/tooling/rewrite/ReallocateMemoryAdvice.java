package dev.rseqagent.tooling.rewrite;

import dev.rseqagent.boot.JdkFreeGuard;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code jdk.internal.misc.Unsafe.reallocateMemory(long, long)}:
 * a shim address is reallocated by the shim and the JDK's body is skipped.
 * Negative sizes and size 0 go on to the JDK's own checks and its
 * freeMemory, which {@link FreeMemoryAdvice} guards.
 */
final class ReallocateMemoryAdvice {
    private ReallocateMemoryAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static long enter(@Advice.Argument(0) long address, @Advice.Argument(1) long bytes) {
        return bytes > 0 && JdkFreeGuard.isShim(address) ? JdkFreeGuard.reallocate(address, bytes) : 0;
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter long moved, @Advice.Return(readOnly = false) long result) {
        if (moved != 0) {
            result = moved;
        }
    }
}
