package dev.rseqagent.bootstrap;

import java.lang.instrument.Instrumentation;

/**
 * Implemented inside the agent's isolated class loader
 * ({@code dev.rseqagent.tooling.AgentStarterImpl}), which registers itself when
 * {@link AgentClassLoader} initialises it (no reflection), so
 * that JNA, SLF4J and Logback never load in the application's class loaders.
 */
public interface AgentStarter {
    /** Starts the agent; reports its own failures and never throws. */
    void start(String agentArgs, Instrumentation inst);
}
