package dev.rseqagent.tooling.doctor;

import dev.rseqagent.tooling.shim.Platform;
import dev.rseqagent.tooling.shim.Shim;
import java.io.PrintStream;

/**
 * The doctor's command line: {@code [--json]}. Exit codes: 0 rseq mode is
 * possible in this process, 1 it is not (fallback everywhere), 2 bad usage,
 * 3 the doctor itself failed (no shim for this platform, ...).
 */
public final class DoctorCommand {
    private DoctorCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err, System.getenv("GLIBC_TUNABLES"));
    }

    static int run(String[] args, PrintStream out, PrintStream err, String glibcTunables) {
        boolean json = false;
        for (String arg : args) {
            if (arg.equals("--json")) {
                json = true;
            } else {
                err.println("usage: java -jar rseq-agent.jar [--json]   (unknown argument '" + arg + "')");
                return 2;
            }
        }
        long started = System.nanoTime();
        Platform platform = Platform.current(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (platform == null) {
            err.println("rseq-agent has no native shim for " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + " (Linux x86_64 and aarch64 only)");
            return 3;
        }
        Diagnosis diagnosis;
        try {
            Shim shim = Shim.load(DoctorCommand.class.getClassLoader(), platform);
            diagnosis = Diagnosis.examine(shim.bindControlPlane(), glibcTunables);
        } catch (Throwable t) {
            err.println("rseq-agent doctor could not examine this process: " + t);
            return 3;
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        out.print(json ? DiagnosisJson.render(diagnosis, elapsedMs) : DiagnosisText.render(diagnosis, elapsedMs));
        out.flush();
        return diagnosis.rseqPossible() ? 0 : 1;
    }
}
