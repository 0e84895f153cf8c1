package dev.rseqagent.bootstrap;

/** Where the public API finds the running agent, or why there is none. */
public final class AgentHolder {
    private static volatile RseqBridge bridge;
    private static volatile String unavailabilityCause = "rseq-agent is not attached (start the JVM with -javaagent:rseq-agent.jar)";

    private AgentHolder() {
    }

    public static RseqBridge bridge() {
        return bridge;
    }

    public static String unavailabilityCause() {
        return bridge != null ? null : unavailabilityCause;
    }

    public static void install(RseqBridge running) {
        bridge = running;
    }

    public static void disable(String cause) {
        bridge = null;
        unavailabilityCause = "rseq-agent is disabled: " + cause;
    }
}
