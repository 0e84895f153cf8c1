package dev.rseqagent.boot;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What rewritten call sites call instead of the JDK's and JNA's allocation
 * methods: one static method per replaced call, taking the replaced call's
 * receiver (if any) and arguments, so a call instruction is swapped for
 * another and nothing else in the method changes. Memory comes from the shim;
 * an address that is not the shim's goes back where it came from (the
 * receiver's own Unsafe method, or libc for JNA, which is what JNA calls).
 */
public final class Substitutes {
    private Substitutes() {
    }

    /**
     * What {@code --sun-misc-unsafe-memory-access} (JDK 23+) asks of
     * sun.misc.Unsafe's memory methods: a warning naming the caller (once;
     * JDK 24+'s default), a stack trace per call, or an exception. A replaced
     * call meets it as the original would have: it first calls the same
     * method of the receiver with a size or address of 0, which the JDK checks
     * and then does nothing with; the facade's frames are hidden, so the JDK
     * names the application's class. "allow" (and JDK 17-22) skips that.
     */
    private static final boolean JDK_POLICY_ALLOWS;
    private static final boolean JDK_POLICY_WARNS_ONCE;
    /** Until the JDK has warned, under "warn"; always under "debug" and "deny". Racy reads only add a check. */
    private static boolean jdkPolicyPending;

    static {
        int feature = Runtime.version().feature();
        String policy = System.getProperty("sun.misc.unsafe.memory.access", feature >= 24 ? "warn" : "allow");
        JDK_POLICY_ALLOWS = feature < 23 || policy.equals("allow");
        JDK_POLICY_WARNS_ONCE = policy.equals("warn");
        jdkPolicyPending = !JDK_POLICY_ALLOWS;
    }

    private static boolean jdkPolicyPending() {
        return !JDK_POLICY_ALLOWS && jdkPolicyPending;
    }

    private static void jdkPolicyMet() {
        if (JDK_POLICY_WARNS_ONCE) {
            jdkPolicyPending = false;
        }
    }

    /** For {@code sun.misc.Unsafe.allocateMemory(long)}: the JDK's checks and errors. */
    @HiddenFrame
    public static long allocateMemory(sun.misc.Unsafe unsafe, long bytes) {
        Objects.requireNonNull(unsafe); // as the replaced call on a null receiver
        if (jdkPolicyPending() && unsafe.allocateMemory(0) == 0) {
            jdkPolicyMet();
        }
        return shimAllocate(bytes);
    }

    /** For {@code sun.misc.Unsafe.reallocateMemory(long, long)}. */
    @HiddenFrame
    public static long reallocateMemory(sun.misc.Unsafe unsafe, long address, long bytes) {
        Objects.requireNonNull(unsafe);
        if (address != 0 && !ShimMemory.inArena(address)) {
            return unsafe.reallocateMemory(address, bytes); // the JDK's block stays the JDK's (and its policy too)
        }
        if (jdkPolicyPending() && unsafe.reallocateMemory(0, 0) == 0) {
            jdkPolicyMet();
        }
        if (address == 0) {
            return shimAllocate(bytes);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException();
        }
        return ShimMemory.reallocateLikeUnsafe(address, bytes);
    }

    /** For {@code sun.misc.Unsafe.freeMemory(long)}. */
    @HiddenFrame
    public static void freeMemory(sun.misc.Unsafe unsafe, long address) {
        Objects.requireNonNull(unsafe);
        if (!ShimMemory.inArena(address)) {
            unsafe.freeMemory(address); // not the shim's (and the JDK's policy too)
            return;
        }
        if (jdkPolicyPending()) {
            unsafe.freeMemory(0);
            jdkPolicyMet();
        }
        ShimMemory.free(address);
    }

    /** Unsafe.allocateMemory's contract over the shim: 0 bytes is address 0; what the arena cannot hold, the JDK's. */
    private static long shimAllocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException();
        }
        if (bytes == 0) {
            return 0;
        }
        long address = ShimMemory.malloc(bytes);
        return address != 0 ? address : ArenaFull.unsafeAllocate(bytes);
    }

    /** For {@code java.nio.ByteBuffer.allocateDirect(int)}. */
    public static ByteBuffer allocateDirect(int capacity) {
        return DirectBuffers.allocate(capacity);
    }

    /** For {@code com.sun.jna.Native.malloc(long)}: like C malloc, 0 on failure. */
    public static long jnaMalloc(long size) {
        if (size < 0) {
            return 0;
        }
        long address = ShimMemory.malloc(size);
        return address != 0 ? address : ArenaFull.libcMalloc(size);
    }

    /** For {@code com.sun.jna.Native.free(long)}: a foreign address goes to libc free, as JNA's own does. */
    public static void jnaFree(long address) {
        ShimMemory.free(address);
    }
}
