package dev.rseqagent.bootstrap;

/**
 * {@code java -jar rseq-agent.jar [--json]}: the doctor, run without the
 * agent. It hands off to the tooling in the agent's own class loader, like
 * premain, and exits with the doctor's code (0: rseq mode is possible here).
 */
public final class DoctorMain {
    private static final String DOCTOR = "dev.rseqagent.tooling.doctor.DoctorCommand";

    private DoctorMain() {
    }

    public static void main(String[] args) {
        int code;
        try {
            ClassLoader loader = AgentClassLoader.forAgentJar(DoctorMain.class);
            Class<?> doctor = Class.forName(DOCTOR, true, loader);
            code = (int) doctor.getMethod("run", String[].class).invoke(null, (Object) args);
        } catch (Throwable t) {
            System.err.println("rseq-agent doctor failed: " + t);
            code = 3;
        }
        System.exit(code);
    }
}
