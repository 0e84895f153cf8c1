package dev.rseqagent.bench;

import java.lang.reflect.Field;

/** sun.misc.Unsafe for the benchmarks (getting it is no allocation call: any package may hold this). */
public final class TheUnsafe {
    public static final sun.misc.Unsafe UNSAFE = get();

    private TheUnsafe() {
    }

    private static sun.misc.Unsafe get() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
