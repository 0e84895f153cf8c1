package dev.rseqagent.it.alloc;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/** What the allocation apps share: Unsafe, a buffer's address, and CHECK lines the tests read. */
public final class Checks {
    public static final sun.misc.Unsafe UNSAFE = unsafe();
    private static final long ADDRESS_OFFSET = addressOffset();
    private static int failures;

    private Checks() {
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("deprecation")
    private static long addressOffset() {
        try {
            return UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static long address(ByteBuffer direct) {
        return UNSAFE.getLong(direct, ADDRESS_OFFSET);
    }

    /** Prints "CHECK name ok" or "CHECK name FAIL detail". */
    public static void check(String name, boolean ok, Object detail) {
        if (!ok) {
            failures++;
        }
        System.out.println("CHECK " + name + (ok ? " ok" : " FAIL " + detail));
    }

    public static void done() {
        System.out.println("CHECKS failures=" + failures);
        System.out.flush();
    }

    /** Runs GC until the predicate holds or ~5 s pass. */
    public static boolean gcUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            System.gc();
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
