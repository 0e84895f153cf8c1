package dev.rseqagent.it.alloc;

import java.lang.reflect.Field;

/**
 * sun.misc.Unsafe's memory methods under the JDK's memory-access policy
 * ({@code --sun-misc-unsafe-memory-access}, JDK 23+): with "free-first", a
 * free of an address that is not the shim's comes first; then an allocate, a
 * reallocate and a free. Prints what it got; the JDK's warnings (stderr) must
 * name this class whether or not its calls were rewritten.
 */
public final class UnsafePolicyApp {
    public static void main(String[] args) throws ReflectiveOperationException {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe"); // not Checks: it touches Unsafe first
        f.setAccessible(true);
        sun.misc.Unsafe unsafe = (sun.misc.Unsafe) f.get(null);
        try {
            if (args.length > 0 && args[0].equals("free-first")) {
                unsafe.freeMemory(0);
            }
            long address = unsafe.allocateMemory(64);
            address = unsafe.reallocateMemory(address, 128);
            unsafe.freeMemory(address);
            System.out.println("allocated, reallocated, freed");
        } catch (UnsupportedOperationException refused) {
            System.out.println("refused: " + refused.getMessage());
        }
    }
}
