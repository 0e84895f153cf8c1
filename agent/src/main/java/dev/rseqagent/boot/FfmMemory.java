package dev.rseqagent.boot;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;

/**
 * The shim's allocation calls as FFM downcalls (JDK 22+). Only the per-CPU
 * fast paths are critical downcalls (no thread-state transition; they never
 * block); when they decline, a normal downcall takes the full path, which may
 * lock or map memory. Built by reflection, so the class compiles for JDK 17;
 * once built, each call is an invokeExact on a constant handle, which the JIT
 * inlines like a direct call.
 */
final class FfmMemory {
    private static final MethodHandle MALLOC_FAST;
    private static final MethodHandle FREE_FAST;
    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;
    private static final MethodHandle REALLOC;
    private static final MethodHandle CALLOC;
    /** Why the handles could not be built; null when they were. */
    static final Throwable FAILURE;

    static {
        MethodHandle[] handles = new MethodHandle[6];
        Throwable failure = null;
        try {
            long[] entries = new long[6];
            JniMemory.entryPoints(entries);
            Downcalls downcalls = new Downcalls();
            handles[0] = downcalls.of(entries[0], true, "J", "J");
            handles[1] = downcalls.of(entries[1], true, "I", "J");
            handles[2] = downcalls.of(entries[2], false, "J", "J");
            handles[3] = downcalls.of(entries[3], false, "V", "J");
            handles[4] = downcalls.of(entries[4], false, "J", "JJ");
            handles[5] = downcalls.of(entries[5], false, "J", "JJ");
        } catch (Throwable t) {
            failure = t;
        }
        MALLOC_FAST = handles[0];
        FREE_FAST = handles[1];
        MALLOC = handles[2];
        FREE = handles[3];
        REALLOC = handles[4];
        CALLOC = handles[5];
        FAILURE = failure;
    }

    private FfmMemory() {
    }

    static long malloc(long size) {
        try {
            long p = (long) MALLOC_FAST.invokeExact(size);
            return p != 0 ? p : (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw new InternalError(t);
        }
    }

    static long calloc(long size) {
        try {
            return (long) CALLOC.invokeExact(1L, size);
        } catch (Throwable t) {
            throw new InternalError(t);
        }
    }

    /** Never throws: the direct buffer releaser calls it, and must go on. */
    static void free(long address) {
        try {
            if ((int) FREE_FAST.invokeExact(address) != 0) {
                FREE.invokeExact(address);
            }
        } catch (Throwable cannotHappen) {
            // the handles' types are fixed above; nothing here can throw
        }
    }

    static long realloc(long address, long size) {
        try {
            return (long) REALLOC.invokeExact(address, size);
        } catch (Throwable t) {
            throw new InternalError(t);
        }
    }

    /** java.lang.foreign, reached by reflection; signatures in JVM letters (J long, I int, V void). */
    private static final class Downcalls {
        private final Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        private final Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        private final Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        private final Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        private final Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        private final Class<?> valueLayouts = Class.forName("java.lang.foreign.ValueLayout");
        private final Object linker = linkerType.getMethod("nativeLinker").invoke(null);

        Downcalls() throws ReflectiveOperationException {
        }

        MethodHandle of(long entry, boolean critical, String result, String params) throws ReflectiveOperationException {
            if (entry == 0) {
                throw new IllegalStateException("the shim gave no entry point");
            }
            Object args = Array.newInstance(layoutType, params.length());
            for (int i = 0; i < params.length(); i++) {
                Array.set(args, i, layout(params.charAt(i)));
            }
            Object descriptor = result.equals("V")
                    ? descriptorType.getMethod("ofVoid", args.getClass()).invoke(null, args)
                    : descriptorType.getMethod("of", layoutType, args.getClass()).invoke(null, layout(result.charAt(0)), args);
            Object options = Array.newInstance(optionType, critical ? 1 : 0);
            if (critical) {
                Array.set(options, 0, optionType.getMethod("critical", boolean.class).invoke(null, false));
            }
            Object address = segmentType.getMethod("ofAddress", long.class).invoke(null, entry);
            return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
                    .invoke(linker, address, descriptor, options);
        }

        private Object layout(char letter) throws ReflectiveOperationException {
            return valueLayouts.getField(letter == 'J' ? "JAVA_LONG" : "JAVA_INT").get(null);
        }
    }
}
