package dev.rseqagent.it.plain;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Native-memory work in a package that is not opted in, printing only what
 * does not depend on addresses: its output must be the same with and without
 * the agent.
 */
public final class PlainApp {
    public static void main(String[] args) throws Exception {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
        long sum = 0;
        for (int i = 1; i <= 1000; i++) {
            long p = PlainMemory.allocate(u, i);
            u.putByte(p, (byte) i);
            p = PlainMemory.reallocate(u, p, 2L * i);
            sum += u.getByte(p);
            PlainMemory.free(u, p);
        }
        System.out.println("unsafe sum " + sum);
        ByteBuffer b = PlainMemory.allocateDirect(4096);
        b.putLong(0, 0x1122334455667788L);
        System.out.println("direct " + b + " " + b.order() + " " + Long.toHexString(b.getLong(0)));
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                System.out.println("direct pool count>=1 " + (pool.getCount() >= 1));
            }
        }
    }
}
