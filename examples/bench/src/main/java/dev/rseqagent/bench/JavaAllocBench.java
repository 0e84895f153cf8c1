package dev.rseqagent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the allocation benchmarks (JMH) with and without the agent in one run,
 * on each JDK given, and prints a markdown table of ratios against the JDK
 * measured in the same run. Heap, direct-memory limit, GC and forks are
 * pinned; only -javaagent differs between the two sides of a ratio.
 *
 * <p>Each side of a ratio is run in several rounds, the two sides alternating
 * (base, agent, base, agent, ...), one fork each: this machine's speed drifts
 * by tens of percent within minutes, and alternation spreads the drift over
 * both sides. Each side's score is the median of its rounds.
 *
 * <p>Args: agent jar, iterations (warm-up and measurement, 1 s each), rounds, then JDK homes.
 */
public final class JavaAllocBench {
    private static final String OPTED_IN = "dev.rseqagent.bench.alloc";
    private static final String DIRECT = "alloc.DirectBufferBench";
    private static final String DIRECT_FLOOR = "plain.DirectFloorBench";

    /** One row: a benchmark, its parameters and threads, and the target the issue sets. */
    private static final class Row {
        final String label;
        final String include;
        final String[] params;
        final int threads;
        final boolean throughput;
        final String target;

        Row(String label, String include, String[] params, int threads, boolean throughput, String target) {
            this.label = label;
            this.include = include;
            this.params = params;
            this.threads = threads;
            this.throughput = throughput;
            this.target = target;
        }

        /** allocateDirect rows: measured beside their floor, their time split into GC pauses and the rest. */
        boolean splitTime() {
            return include.equals(DIRECT);
        }
    }

    /** A side's score and the share of its measured time the JVM's collectors spent (JMH's gc profiler). */
    private record Score(double value, double gcShare) {
        /** The GC's part of one operation's time: a pause stops every thread. */
        double gcPerOp() {
            return value * gcShare;
        }
    }

    private JavaAllocBench() {
    }

    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        int iterations = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<Row> rows = List.of(
                new Row("Unsafe allocate+free 64 B", "alloc.UnsafeBench", new String[] {"size", "64"}, 1, false,
                        "<= 0.5x (17), <= 0.45x (25)"),
                new Row("Unsafe allocate+free 64 B", "alloc.UnsafeBench", new String[] {"size", "64"}, 2, false,
                        "<= 0.5x (17), <= 0.45x (25)"),
                new Row("Unsafe allocate+free 4 KiB", "alloc.UnsafeBench", new String[] {"size", "4096"}, 1, false,
                        "<= 0.35x"),
                new Row("Unsafe allocate+free 4 KiB", "alloc.UnsafeBench", new String[] {"size", "4096"}, 2, false,
                        "<= 0.35x"),
                new Row("allocateDirect 4 KiB, reclaimed by GC", DIRECT, new String[0], 1, false,
                        "<= 0.5x"),
                new Row("allocateDirect 4 KiB, reclaimed by GC", DIRECT, new String[0], 2, false,
                        "<= 0.5x"),
                new Row("producer/consumer 64 B (blocks handed over)", "alloc.HandoffBench", new String[0], 2, true,
                        ">= 1.5x"),
                new Row("free-path guard: Unsafe 64 B in a package not opted in", "plain.PlainUnsafeBench",
                        new String[0], 1, false, "(cost of the guard)"));
        List<String> out = new ArrayList<>();
        out.add("| workload | JDK | threads | JDK alone | with rseq-agent | ratio | target |");
        out.add("| --- | --- | --- | --- | --- | --- | --- |");
        List<String> split = new ArrayList<>();
        split.add("| JDK | threads | allocateDirect | ns an op | of which GC pauses | the rest |");
        split.add("| --- | --- | --- | --- | --- | --- |");
        List<String> netty = new ArrayList<>();
        netty.add("| Netty allocator (no agent) | JDK | size | directBuffer+release |");
        netty.add("| --- | --- | --- | --- |");
        for (int i = 3; i < args.length; i++) {
            Path jdk = Path.of(args[i]);
            int feature = feature(jdk);
            double unsafe64 = 0; // the JDK alone, Unsafe 64 B, one thread: what the JNI floor is set against
            for (Row row : rows) {
                Score[] base = new Score[rounds];
                Score[] agent = new Score[rounds];
                Score[] freeMemory = new Score[rounds];
                for (int r = 0; r < rounds; r++) {
                    base[r] = score(jdk, feature, row, null, iterations);
                    agent[r] = score(jdk, feature, row, agentJar, iterations);
                    if (row.splitTime()) {
                        freeMemory[r] = score(jdk, feature, DIRECT_FLOOR, new String[0], row.threads, false, null,
                                iterations, true);
                    }
                }
                double baseValue = median(base, Score::value);
                double agentValue = median(agent, Score::value);
                if (row == rows.get(0)) {
                    unsafe64 = baseValue;
                }
                String unit = row.throughput ? " ops/us" : " ns";
                out.add(String.format(Locale.ROOT, "| %s | %d | %d | %.2f%s | %.2f%s | %.2fx | %s |", row.label, feature,
                        row.threads, baseValue, unit, agentValue, unit, agentValue / baseValue, row.target));
                if (row.splitTime()) {
                    double free = median(freeMemory, Score::value);
                    out.add(String.format(Locale.ROOT, "| floor: allocateDirect over an allocator that costs nothing "
                            + "(left: JDK allocateDirect above) | %d | %d | %.2f ns | %.2f ns | %.2fx | (the JDK's semantics "
                            + "alone) |", feature, row.threads, baseValue, free, free / baseValue));
                    split.add(splitRow(feature, row.threads, "the JDK's", baseValue, median(base, Score::gcPerOp)));
                    split.add(splitRow(feature, row.threads, "rseq-agent", agentValue, median(agent, Score::gcPerOp)));
                    split.add(splitRow(feature, row.threads, "over an allocator that costs nothing (floor)", free,
                            median(freeMemory, Score::gcPerOp)));
                }
            }
            if (feature >= 22) { // why facade=auto takes FFM here: both sides under the agent
                String[] params = {"size", "64"};
                double[] jnis = new double[rounds];
                double[] ffms = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    jnis[r] = score(jdk, feature, "alloc.UnsafeBench", params, 1, false, agentJar + "=facade=jni",
                            iterations, false).value();
                    ffms[r] = score(jdk, feature, "alloc.UnsafeBench", params, 1, false, agentJar, iterations, false)
                            .value();
                }
                double jni = median(jnis);
                double ffm = median(ffms);
                out.add(String.format(Locale.ROOT, "| Unsafe 64 B: facade=jni (left) vs ffm critical downcalls (right) | %d | 1 "
                        + "| %.2f ns | %.2f ns | %.2fx | (FFM where it is faster) |", feature, jni, ffm, ffm / jni));
            }
            out.add(floorRow("two no-op JNI calls", "plain.JniFloorBench", "a JNI", jdk, feature, unsafe64, rounds,
                    iterations));
            if (feature >= 22) {
                out.add(floorRow("two no-op FFM critical downcalls", "plain.FfmFloorBench", "an FFM", jdk, feature,
                        unsafe64, rounds, iterations));
            }
            for (String kind : new String[] {"pooled", "adaptive"}) {
                for (String size : new String[] {"64", "4096"}) {
                    double ns = score(jdk, feature, "plain.NettyAllocatorBench",
                            new String[] {"allocator", kind, "size", size}, 1, false, null, iterations, false).value();
                    netty.add(String.format(Locale.ROOT, "| %s | %d | %s B | %.2f ns |", kind, feature, size, ns));
                }
            }
        }
        out.forEach(System.out::println);
        System.out.println();
        System.out.println("Where allocateDirect's time goes (medians of the rounds above; GC pauses: the share of the measured "
                + "time JMH's gc profiler found in the collectors, times ns an op; the rest: the JDK's accounting, zeroing "
                + "and three objects a buffer on every row, and for the JDK malloc and free, for rseq-agent the shim and the "
                + "JNI or FFM call):");
        System.out.println();
        split.forEach(System.out::println);
        System.out.println();
        netty.forEach(System.out::println);
    }

    private static String splitRow(int feature, int threads, String side, double ns, double gc) {
        return String.format(Locale.ROOT, "| %d | %d | %s | %.2f ns | %.2f ns | %.2f ns |", feature, threads, side, ns,
                gc, ns - gc);
    }

    /** A floor row: {@code include} (no agent) against the JDK's Unsafe 64 B pair, {@code unsafe64}. */
    private static String floorRow(String what, String include, String facade, Path jdk, int feature, double unsafe64,
            int rounds, int iterations) throws RunnerException {
        double[] floors = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            floors[r] = score(jdk, feature, include, new String[0], 1, false, null, iterations, false).value();
        }
        double floor = median(floors);
        return String.format(Locale.ROOT, "| floor: %s (left: JDK Unsafe 64 B above) | %d | 1 | %.2f ns | %.2f ns "
                + "| %.2fx | (the least %s facade can reach) |", what, feature, unsafe64, floor, floor / unsafe64, facade);
    }

    private static Score score(Path jdk, int feature, Row row, String agentJar, int iterations) throws RunnerException {
        return score(jdk, feature, row.include, row.params, row.threads, row.throughput, agentJar, iterations,
                row.splitTime());
    }

    private static Score score(Path jdk, int feature, String include, String[] params, int threads, boolean throughput,
            String agentJar, int iterations, boolean gcShare) throws RunnerException {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxDirectMemorySize=256m",
                "-Dbench.jniIdentity=" + System.getProperty("bench.jniIdentity")));
        if (feature >= 22) {
            jvmArgs.add("--enable-native-access=ALL-UNNAMED");
        }
        if (include.equals(DIRECT_FLOOR)) { // the JDK's direct-memory accounting and cleaners, by method handles
            jvmArgs.addAll(List.of("--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED",
                    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED"));
        }
        if (feature >= 23) {
            jvmArgs.add("--sun-misc-unsafe-memory-access=allow");
        }
        if (agentJar != null) { // "jar" or "jar=extra,options"
            int eq = agentJar.indexOf('=');
            String extra = eq < 0 ? "" : "," + agentJar.substring(eq + 1);
            jvmArgs.add("-javaagent:" + (eq < 0 ? agentJar : agentJar.substring(0, eq)) + "=packages=" + OPTED_IN
                    + ",log=none" + extra);
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.rseqagent\\.bench\\." + include.replace(".", "\\.") + "\\.")
                .jvm(jdk.resolve("bin/java").toString())
                .jvmArgs(jvmArgs.toArray(new String[0]))
                .forks(1)
                .warmupIterations(iterations).warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .mode(throughput ? Mode.Throughput : Mode.AverageTime)
                .timeUnit(throughput ? TimeUnit.MICROSECONDS : TimeUnit.NANOSECONDS)
                .shouldFailOnError(true);
        if (!throughput) {
            options.threads(threads);
        }
        if (gcShare) {
            options.addProfiler(GCProfiler.class);
        }
        for (int i = 0; i < params.length; i += 2) {
            options.param(params[i], params[i + 1]);
        }
        // JMH's progress to stderr: stdout is the markdown the script keeps
        RunResult result = new Runner(options.build(),
                OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).runSingle();
        // throughput rows count blocks handed over (HandoffBench's "handoffs"), not attempts
        double value = throughput ? result.getSecondaryResults().get("handoffs").getScore()
                : result.getPrimaryResult().getScore();
        // gc.time: ms in the collectors over all measurement iterations, each 1 s
        double share = gcShare ? result.getSecondaryResults().get("gc.time").getScore() / (iterations * 1000.0) : 0;
        return new Score(value, share);
    }

    private static double median(Score[] scores, Function<Score, Double> part) {
        double[] values = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            values[i] = part.apply(scores[i]);
        }
        return median(values);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int feature(Path jdk) throws IOException {
        for (String line : Files.readAllLines(jdk.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=\"")) {
                String v = line.substring("JAVA_VERSION=\"".length());
                return Integer.parseInt(v.split("[.\"]")[0]);
            }
        }
        throw new IllegalStateException("no JAVA_VERSION in " + jdk);
    }
}
