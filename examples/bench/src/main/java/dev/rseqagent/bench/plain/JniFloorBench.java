package dev.rseqagent.bench.plain;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Two calls of a JNI static native that returns its argument (c/jni_identity.c,
 * loaded from {@code -Dbench.jniIdentity}): what a JNI facade pays per
 * allocate+free pair before the allocator does anything. No agent is involved.
 */
@State(Scope.Thread)
public class JniFloorBench {
    static {
        System.load(System.getProperty("bench.jniIdentity"));
    }

    private long size = 64;

    private static native long identity(long x);

    @Benchmark
    public long twoCalls() {
        return identity(identity(size));
    }
}
