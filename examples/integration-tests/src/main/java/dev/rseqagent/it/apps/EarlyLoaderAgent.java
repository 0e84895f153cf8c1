package dev.rseqagent.it.apps;

import java.lang.instrument.Instrumentation;

/**
 * A -javaagent listed before rseq-agent: its premain loads an opted-in class,
 * so that class exists before rseq-agent starts and must be retransformed.
 */
public final class EarlyLoaderAgent {
    private EarlyLoaderAgent() {
    }

    public static void premain(String args, Instrumentation inst) throws ClassNotFoundException {
        Class.forName("dev.rseqagent.it.alloc.EarlyAllocating", true, EarlyLoaderAgent.class.getClassLoader());
    }
}
