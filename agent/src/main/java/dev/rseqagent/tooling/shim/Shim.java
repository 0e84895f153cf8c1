package dev.rseqagent.tooling.shim;

import com.sun.jna.JNIEnv;
import com.sun.jna.NativeLibrary;
import dev.rseqagent.bootstrap.Report;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The loaded native shim: one per process. Wraps each call and turns a
 * negative errno into an exception naming the call.
 */
public final class Shim {
    private static final String RESOURCE = "META-INF/native/%s/librseqagent-%s.so";

    private final Path path;

    private Shim(Path path) {
        this.path = path;
    }

    /**
     * Extracts and loads the shim for {@code platform} ({@code linux-x86_64}), then initialises it.
     *
     * @throws IOException if the shim cannot be extracted
     * @throws IllegalStateException if it loads but cannot initialise
     */
    public static Shim load(ClassLoader resources, Platform platform, Path tmpDir, String user) throws IOException {
        String resource = String.format(RESOURCE, platform.tag(), platform.arch());
        Path path = ShimExtractor.extract(resources, resource, tmpDir, user);
        ShimLibrary.bind(NativeLibrary.getInstance(path.toString()));
        check("rseqagent_init", ShimLibrary.rseqagent_init());
        return new Shim(path);
    }

    public Path path() {
        return path;
    }

    /** Probes the calling thread; flags as in {@link Report}. */
    public long[] probe(int flags) {
        long[] report = new long[Report.REPORT_FIELDS];
        check("rseqagent_thread_probe", ShimLibrary.rseqagent_thread_probe(report, flags));
        return report;
    }

    public long[] processInfo() {
        long[] info = new long[Report.PROCESS_FIELDS];
        check("rseqagent_process_info", ShimLibrary.rseqagent_process_info(info));
        return info;
    }

    public long[] counters() {
        long[] out = new long[Report.COUNTERS];
        check("rseqagent_counters", ShimLibrary.rseqagent_counters(out));
        return out;
    }

    /** Moves up to {@code max} queued reports into {@code buf}; waits up to {@code timeoutMs} for the first. */
    public int drainEvents(long[] buf, int max, int timeoutMs) {
        return check("rseqagent_events_drain", ShimLibrary.rseqagent_events_drain(buf, max, timeoutMs));
    }

    /** Calls {@code className.methodName()} on every Java thread started from now on, before it runs. */
    public void hookThreadStart(Class<?> hook, String methodName) {
        check("rseqagent_jvm_hook_thread_start",
                ShimLibrary.rseqagent_jvm_hook_thread_start(JNIEnv.CURRENT, hook.getName().replace('.', '/'), methodName));
    }

    private static int check(String call, int rc) {
        if (rc < 0) {
            throw new IllegalStateException(call + " failed: " + Errno.name(-rc));
        }
        return rc;
    }
}
