package dev.rseqagent.it.alloc.loaded;

/** Loaded by LoaderApp's own class loaders: allocates in an opted-in package. */
public final class Allocating {
    private Allocating() {
    }

    public static long allocate(sun.misc.Unsafe unsafe) {
        return unsafe.allocateMemory(128);
    }

    public static void free(sun.misc.Unsafe unsafe, long address) {
        unsafe.freeMemory(address);
    }
}
