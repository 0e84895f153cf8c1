package dev.rseqagent.bench.plain;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Unsafe allocate + free in a package that is never opted in: under the agent
 * (rewriting on elsewhere) its free goes through the JDK free-path guard, so
 * this measures what the guard costs code that was not rewritten.
 */
@State(Scope.Thread)
public class PlainUnsafeBench {
    private static final sun.misc.Unsafe UNSAFE = dev.rseqagent.bench.TheUnsafe.UNSAFE;

    @Benchmark
    public long allocateFree64() {
        long p = UNSAFE.allocateMemory(64);
        UNSAFE.freeMemory(p);
        return p;
    }
}
