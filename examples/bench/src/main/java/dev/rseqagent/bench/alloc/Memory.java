package dev.rseqagent.bench.alloc;

import java.lang.reflect.Field;

/** The benchmarks' sun.misc.Unsafe. */
final class Memory {
    static final sun.misc.Unsafe UNSAFE = unsafe();

    private Memory() {
    }

    static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
