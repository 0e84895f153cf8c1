package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;

/**
 * Once the agent's start-up thread (if any) is done, prints the JNA system
 * properties the JVM has (the application's own, given with -D, and any the
 * agent's JNA would have left) and whether the agent's control plane answers.
 */
public final class JnaSettingsApp {
    public static void main(String[] args) throws Exception {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("rseq-agent-start")) {
                t.join();
            }
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("jna") || k.startsWith("jnidispatch")).sorted()
                .forEach(k -> System.out.println("property " + k + "=" + System.getProperty(k)));
        System.out.println("counters " + (Rseq.counters() != null));
    }
}
