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
 * and to exit of an application whose main returns at once (what a short
 * command-line run pays, shutdown included), without the agent and with it.
 * Prints a Markdown table.
 *
 * Args: agent jar, this module's classes dir, rounds, then one or more JDK homes.
 */
public final class StartupBench {
    private static final String EMPTY = "(empty agent)";
    /** Sparse thread starts: this many, this far apart (under 100 a second: each line printed on its thread). */
    private static final String SPARSE_THREADS = "40";
    private static final String SPARSE_GAP_MS = "10";
    private static final String[][] VARIANTS = {
        {"no agent", null},
        {"empty -javaagent (the JVM's own cost)", EMPTY},
        {"rseq-agent, default (lines to stderr)", ""},
        {"rseq-agent, log=none", "log=none"},
        {"rseq-agent, rewriting on (packages=dev.rseqagent.bench: main's class is rewritten)", "packages=dev.rseqagent.bench"},
    };

    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        String emptyAgentJar = emptyAgentJar().toString();
        String classes = args[1];
        int rounds = Integer.parseInt(args[2]);
        System.out.println("| JDK | variant | time to main, median ms | vs no agent | vs empty agent "
                + "| whole run, median ms | vs no agent | thread start+join, median us | vs no agent "
                + "| sparse thread start+join, median us | vs no agent |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        List<String> doctorRows = new ArrayList<>();
        for (String home : Arrays.copyOfRange(args, 3, args.length)) {
            long[][] toMain = new long[VARIANTS.length][rounds];
            long[][] toExit = new long[VARIANTS.length][rounds];
            long[][] perThread = new long[VARIANTS.length][rounds];
            long[][] perSparseThread = new long[VARIANTS.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < VARIANTS.length; v++) {
                    String jar = VARIANTS[v][1] == EMPTY ? emptyAgentJar : agentJar;
                    String agentArgs = VARIANTS[v][1] == EMPTY ? "" : VARIANTS[v][1];
                    long before = System.nanoTime();
                    toMain[v][r] = Long.parseLong(run(home, jar, classes, agentArgs, "TimeToMain")) - before;
                    toExit[v][r] = System.nanoTime() - before; // run() returns once the JVM has exited
                    perThread[v][r] = Long.parseLong(run(home, jar, classes, agentArgs, "ThreadStarts", "500", "2000"));
                    perSparseThread[v][r] = Long.parseLong(
                            run(home, jar, classes, agentArgs, "ThreadStarts", "0", SPARSE_THREADS, SPARSE_GAP_MS));
                }
            }
            long[] doctor = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                doctor[r] = doctorWallTime(home, agentJar);
            }
            doctorRows.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f |", jdkName(home), median(doctor) / 1e6,
                    Arrays.stream(doctor).max().getAsLong() / 1e6));
            for (int v = 0; v < VARIANTS.length; v++) {
                double main = median(toMain[v]) / 1e6;
                double base = median(toMain[0]) / 1e6;
                double empty = median(toMain[1]) / 1e6;
                double exit = median(toExit[v]) / 1e6;
                double exitBase = median(toExit[0]) / 1e6;
                double thread = median(perThread[v]) / 1e3;
                double threadBase = median(perThread[0]) / 1e3;
                double sparse = median(perSparseThread[v]) / 1e3;
                double sparseBase = median(perSparseThread[0]) / 1e3;
                System.out.printf(Locale.ROOT,
                        "| %s | %s | %.1f | %+.1f ms | %+.1f ms | %.1f | %+.1f ms | %.1f | %+.1f us (%.2fx) "
                                + "| %.1f | %+.1f us (%.2fx) |%n",
                        jdkName(home), VARIANTS[v][0], main, main - base, main - empty, exit, exit - exitBase,
                        thread, thread - threadBase, thread / threadBase, sparse, sparse - sparseBase,
                        sparse / sparseBase);
            }
        }
        System.out.println();
        System.out.println("| JDK | doctor (java -jar rseq-agent.jar --json), median wall ms | slowest run, ms |");
        System.out.println("| --- | --- | --- |");
        doctorRows.forEach(System.out::println);
    }

    /** {@code java -jar rseq-agent.jar --json}: the doctor's whole run, JVM start to exit, as a user waits for it. */
    private static long doctorWallTime(String home, String agentJar) throws Exception {
        long before = System.nanoTime();
        Process p = new ProcessBuilder(home + "/bin/java", "-jar", agentJar, "--json")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the doctor failed on " + home);
        }
        return System.nanoTime() - before;
    }

    private static String run(String home, String agentJar, String classes, String agentArgs, String main,
            String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home + "/bin/java", "-Xshare:auto"));
        if (!jdkName(home).contains("17")) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (agentArgs != null) {
            cmd.add("-javaagent:" + agentJar + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        cmd.addAll(List.of("-cp", classes, "dev.rseqagent.bench." + main));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
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

    /** A jar with only a manifest naming {@link EmptyAgent} (found on the class path). */
    private static java.nio.file.Path emptyAgentJar() throws IOException {
        java.nio.file.Path jar = java.nio.file.Files.createTempFile("empty-agent", ".jar");
        jar.toFile().deleteOnExit();
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", EmptyAgent.class.getName());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
                java.nio.file.Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
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
