package dev.rseqagent.bench.plain;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Two FFM critical downcalls of a C function that returns its argument
 * (c/jni_identity.c, loaded from {@code -Dbench.jniIdentity}): what the FFM
 * facade pays per allocate+free pair before the allocator does anything
 * (JDK 22+). The handle is built by reflection, as the facade builds its own,
 * so this compiles for JDK 17. No agent is involved.
 */
@State(Scope.Thread)
public class FfmFloorBench {
    private static final MethodHandle IDENTITY = criticalDowncall("rseqagent_bench_identity");

    private long size = 64;

    @Benchmark
    public long twoCalls() throws Throwable {
        return (long) IDENTITY.invokeExact((long) IDENTITY.invokeExact(size));
    }

    /** {@code long name(long)} in the library, as a critical downcall handle. */
    private static MethodHandle criticalDowncall(String name) {
        try {
            System.load(System.getProperty("bench.jniIdentity"));
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
            Object longLayout = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_LONG").get(null);
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object lookup = lookupType.getMethod("loaderLookup").invoke(null);
            Object symbol = ((java.util.Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, name))
                    .orElseThrow();
            Object params = Array.newInstance(layoutType, 1);
            Array.set(params, 0, longLayout);
            Object descriptor = descriptorType.getMethod("of", layoutType, params.getClass())
                    .invoke(null, longLayout, params);
            Object options = Array.newInstance(optionType, 1);
            Array.set(options, 0, optionType.getMethod("critical", boolean.class).invoke(null, false));
            return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
                    .invoke(linker, symbol, descriptor, options);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("FFM needs JDK 22+", e);
        }
    }
}
