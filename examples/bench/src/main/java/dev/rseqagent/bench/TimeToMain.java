package dev.rseqagent.bench;

/** Prints System.nanoTime() on entering main (CLOCK_MONOTONIC: comparable with the parent's). */
public final class TimeToMain {
    public static void main(String[] args) {
        System.out.println(System.nanoTime());
    }
}
