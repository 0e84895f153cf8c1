package dev.rseqagent.bench;

import java.nio.ByteBuffer;

/**
 * Prints System.nanoTime() on entering main (CLOCK_MONOTONIC: comparable with the parent's).
 * Its one allocation call is never run: it is there so that the variant that
 * opts this package in has a class to rewrite before main.
 */
public final class TimeToMain {
    public static void main(String[] args) {
        System.out.println(System.nanoTime());
        if (args.length > 0) {
            System.out.println(ByteBuffer.allocateDirect(Integer.parseInt(args[0])).capacity());
        }
    }
}
