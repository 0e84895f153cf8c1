package dev.rseqagent.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts one application in a fresh JVM, optionally under the agent, and captures what it prints. */
final class JvmRun {
    static final String AGENT_JAR = System.getProperty("it.agentJar");
    static final String APP_CLASSES = System.getProperty("it.appClasses");
    static final String OWNER_LIB_DIR = System.getProperty("it.ownerLibDir");
    static final String BLOCK_SYSCALL_EXEC = System.getProperty("it.blockSyscallExec");
    static final String TUNABLE_OFF = "glibc.pthread.rseq=0";

    private final Jdk jdk;
    private final List<String> launcher = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> agentsBefore = new ArrayList<>();
    private final List<String> classPath = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private String agentArgs;
    private String agentJar = AGENT_JAR;
    private boolean agent = true;
    private boolean nativeAccess = true;

    private JvmRun(Jdk jdk) {
        this.jdk = jdk;
        classPath.add(APP_CLASSES);
        classPath.add(System.getProperty("it.ownerJar"));
    }

    static JvmRun on(Jdk jdk) {
        return new JvmRun(jdk);
    }

    JvmRun agentArgs(String args) {
        this.agentArgs = args;
        return this;
    }

    /** The agent from this copy of its jar. */
    JvmRun agentJar(Path copy) {
        this.agentJar = copy.toString();
        return this;
    }

    JvmRun withoutAgent() {
        this.agent = false;
        return this;
    }

    /** Leaves out the --enable-native-access flag every JDK 22+ run gets. */
    JvmRun withoutNativeAccessFlag() {
        this.nativeAccess = false;
        return this;
    }

    /** The application's classes from this jar instead of the build's classes directory (AOT caches take jars only). */
    JvmRun appClassesFrom(Path jar) {
        classPath.set(0, jar.toString());
        return this;
    }

    JvmRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    JvmRun glibcRseqOff() {
        return env("GLIBC_TUNABLES", TUNABLE_OFF);
    }

    /** Another -javaagent, placed before rseq-agent's on the command line (its premain runs first). */
    JvmRun agentBefore(String jar) {
        agentsBefore.add("-javaagent:" + jar);
        return this;
    }

    JvmRun jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    JvmRun classPath(String... entries) {
        classPath.addAll(Arrays.asList(entries));
        return this;
    }

    /** Runs the JVM behind the seccomp launcher that makes rseq fail with errnoName (EPERM, ENOSYS). */
    JvmRun rseqBlocked(String errnoName) {
        return syscallBlocked("rseq", errnoName);
    }

    /** Runs the JVM behind a seccomp filter that answers this system call (rseq, membarrier) with errnoName. */
    JvmRun syscallBlocked(String syscall, String errnoName) {
        launcher.addAll(List.of(BLOCK_SYSCALL_EXEC, syscall, errnoName));
        return this;
    }

    /** Runs the JVM under ulimit -v (RLIMIT_AS) or -d (RLIMIT_DATA) of this many KiB. */
    JvmRun ulimit(String flag, long kib) {
        launcher.addAll(List.of("sh", "-c", "ulimit " + flag + " " + kib + " && exec \"$@\"", "sh"));
        return this;
    }

    /**
     * Runs the JVM with nothing mounted on /proc (as in a chroot or a minimal
     * sandbox): a mount namespace of its own (for a user other than root, in a
     * user namespace where it is root). The launcher fails unless /proc/self
     * is really gone. Either way the JVM runs as uid 0 of its namespace.
     */
    JvmRun withoutProc() throws IOException {
        boolean root = uid() == 0;
        launcher.addAll(root ? List.of("unshare", "--mount") : List.of("unshare", "--user", "--map-root-user", "--mount"));
        launcher.addAll(List.of("sh", "-c", "mount -t tmpfs none /proc && test ! -e /proc/self && exec \"$@\"", "sh"));
        // the launcher finds libjli through $ORIGIN, which the dynamic loader reads from /proc/self/exe
        return env("LD_LIBRARY_PATH", jdk.home.resolve("lib").toString());
    }

    /** The user id the tests run as (the owner of /proc/self). */
    static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    static String ownerLib(String variant) {
        return OWNER_LIB_DIR + "/librseq" + variant + ".so";
    }

    Result run(Class<?> main, String... args) throws IOException, InterruptedException {
        return run(List.of("-cp", String.join(File.pathSeparator, classPath), main.getName()), args);
    }

    /** Runs {@code java -jar jar args} (call {@link #withoutAgent()} for a jar that is not under the agent). */
    Result runJar(String jar, String... args) throws IOException, InterruptedException {
        return run(List.of("-jar", jar), args);
    }

    /** Runs {@code module/mainClass} from modulePath (the class path is the agent's alone). */
    Result runModule(String modulePath, String moduleAndMain, String... args) throws IOException, InterruptedException {
        return run(List.of("-p", modulePath, "-m", moduleAndMain), args);
    }

    /** Starts {@code java -jar jar args} in the background, output to files in dir; the caller waits or kills. */
    Process startJar(String jar, Path dir, String... args) throws IOException {
        List<String> cmd = command(List.of("-jar", jar), args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private List<String> command(List<String> what, String... args) {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(jdk.java().toString());
        if (nativeAccess) {
            cmd.addAll(jdk.nativeAccessFlags());
        }
        cmd.addAll(agentsBefore);
        if (agent) {
            cmd.add("-javaagent:" + agentJar + (agentArgs != null ? "=" + agentArgs : ""));
        }
        cmd.addAll(jvmArgs);
        cmd.addAll(what);
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    private Result run(List<String> what, String... args) throws IOException, InterruptedException {
        List<String> cmd = command(what, args);
        Path out = Files.createTempFile("jvm", ".out");
        Path err = Files.createTempFile("jvm", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static final class Result {
        final List<String> command;
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(List<String> command, int exitCode, String stdout, String stderr) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        List<String> stdoutLines() {
            return stdout.lines().collect(java.util.stream.Collectors.toList());
        }

        List<String> stderrLines() {
            return stderr.lines().collect(java.util.stream.Collectors.toList());
        }

        /** The agent's rseq.owner lines on stderr, parsed. */
        List<OwnerLine> ownerLines() {
            return OwnerLine.parseAll(stderr);
        }

        /** For assertion messages. */
        String describe() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }
}
