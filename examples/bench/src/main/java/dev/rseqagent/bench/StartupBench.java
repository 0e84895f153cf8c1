package dev.rseqagent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures, in one run and interleaved so machine noise hits all variants
 * alike: time from process start to main, and the cost per thread start,
 * without the agent and with it. Prints a Markdown table.
 *
 * Args: agent jar, this module's classes dir, rounds, then one or more JDK homes.
 */
public final class StartupBench {
    private static final String[][] VARIANTS = {
        {"no agent", null},
        {"agent, log to a file", "log=file:/dev/null"},
        {"agent, log=none", "log=none"},
    };

    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        String classes = args[1];
        int rounds = Integer.parseInt(args[2]);
        System.out.println("| JDK | variant | time to main, median ms | vs no agent | thread start+join, median us | vs no agent |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (String home : Arrays.copyOfRange(args, 3, args.length)) {
            long[][] toMain = new long[VARIANTS.length][rounds];
            long[][] perThread = new long[VARIANTS.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < VARIANTS.length; v++) {
                    toMain[v][r] = timeToMain(home, agentJar, classes, VARIANTS[v][1]);
                    perThread[v][r] = Long.parseLong(run(home, agentJar, classes, VARIANTS[v][1], "ThreadStarts", "500", "2000"));
                }
            }
            for (int v = 0; v < VARIANTS.length; v++) {
                double main = median(toMain[v]) / 1e6;
                double base = median(toMain[0]) / 1e6;
                double thread = median(perThread[v]) / 1e3;
                double threadBase = median(perThread[0]) / 1e3;
                System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %+.1f ms | %.1f | %+.1f us (%.2fx) |%n", jdkName(home),
                        VARIANTS[v][0], main, main - base, thread, thread - threadBase, thread / threadBase);
            }
        }
    }

    private static long timeToMain(String home, String agentJar, String classes, String agentArgs) throws Exception {
        long before = System.nanoTime();
        long atMain = Long.parseLong(run(home, agentJar, classes, agentArgs, "TimeToMain"));
        return atMain - before;
    }

    private static String run(String home, String agentJar, String classes, String agentArgs, String main,
            String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home + "/bin/java", "-Xshare:auto"));
        if (!jdkName(home).contains("17")) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (agentArgs != null) {
            cmd.add("-javaagent:" + agentJar + "=" + agentArgs);
        }
        cmd.addAll(List.of("-cp", classes, "dev.rseqagent.bench." + main));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String first;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            first = out.readLine();
            while (out.readLine() != null) {
                // drain
            }
        }
        if (p.waitFor() != 0 || first == null) {
            throw new IllegalStateException("failed: " + cmd);
        }
        return first.trim();
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static String jdkName(String home) {
        return home.substring(home.lastIndexOf('/') + 1);
    }
}
