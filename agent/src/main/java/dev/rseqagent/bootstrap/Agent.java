package dev.rseqagent.bootstrap;

import java.lang.instrument.Instrumentation;

/**
 * {@code -javaagent} entry point. It only hands off: no logging, no state of
 * its own, and no {@link Throwable} ever reaches the application.
 */
public final class Agent {
    private Agent() {
    }

    public static void premain(String agentArgs, Instrumentation inst) {
        try {
            AgentClassLoader.forAgentJar(Agent.class).startAgent(agentArgs, inst);
        } catch (Throwable t) {
            AgentHolder.disable("start failed: " + t);
            System.err.println("[rseq-agent] ERROR rseq-agent disabled, the application runs without it: " + t);
        }
    }
}
