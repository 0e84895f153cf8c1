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
        if (bridge != null) {
            return null;
        }
        String bundled = bundledCopy();
        return bundled != null ? bundled : unavailabilityCause;
    }

    /**
     * Why this copy of the API has no agent when another copy has: an
     * application that bundles rseq-agent.jar behind a loader that looks in
     * its own jars first (a servlet container's WEB-INF/lib) gets classes of
     * its own, which the running agent never sees. Null if that is not so.
     */
    private static String bundledCopy() {
        ClassLoader own = AgentHolder.class.getClassLoader();
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (own == system) {
            return null;
        }
        try {
            Class<?> agents = Class.forName(AgentHolder.class.getName(), false, system);
            if (agents == AgentHolder.class || agents.getMethod("bridge").invoke(null) == null) {
                return null;
            }
        } catch (ReflectiveOperationException | LinkageError | SecurityException notThere) {
            return null;
        }
        return "rseq-agent is running, but this copy of its API was loaded by " + own + " from " + ownJar()
                + ", which the agent does not see: the application bundles rseq-agent.jar; depend on it with"
                + " provided (compileOnly) scope so that the API is the agent's own";
    }

    private static String ownJar() {
        try {
            java.security.CodeSource source = AgentHolder.class.getProtectionDomain().getCodeSource();
            return source == null ? "an unknown place" : String.valueOf(source.getLocation());
        } catch (SecurityException refused) {
            return "a jar the security policy does not name";
        }
    }

    public static void install(RseqBridge running) {
        bridge = running;
    }

    public static void disable(String cause) {
        bridge = null;
        unavailabilityCause = "rseq-agent is disabled: " + cause;
    }
}
