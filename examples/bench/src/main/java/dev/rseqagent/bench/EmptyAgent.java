package dev.rseqagent.bench;

import java.lang.instrument.Instrumentation;

/** A -javaagent that does nothing: what the JVM's agent machinery alone costs. */
public final class EmptyAgent {
    private EmptyAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        // nothing: the measurement is the JVM's own cost of -javaagent
    }
}
