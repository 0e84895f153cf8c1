package dev.rseqagent.tooling.diag;

import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.log.TransitionListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * The agent's JFR events: ownership lines as they are printed, allocator
 * figures every second of a recording ({@code -XX:StartFlightRecording},
 * {@code jfr print --events dev.rseqagent.*}). Registered only once a
 * recording exists (see Diagnostics); outside a recording they cost a check.
 */
final class JfrEvents implements TransitionListener {
    private final AgentMonitor monitor;

    private JfrEvents(AgentMonitor monitor) {
        this.monitor = monitor;
    }

    /** -XX:StartFlightRecording on this JVM's command line (read from /proc: no management classes). */
    static boolean requestedOnCommandLine() {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
            return cmdline.contains("-XX:StartFlightRecording");
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the JVM's flight recorder is up (a recording runs or ran). */
    static boolean recorderRunning() {
        return FlightRecorder.isInitialized();
    }

    /** Runs action once the flight recorder comes up (at once if it is up). */
    static void whenRecorderStarts(Runnable action) {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                action.run();
            }
        });
    }

    /** Registers both event types and returns the listener for ownership lines. */
    static JfrEvents register(AgentMonitor monitor) {
        JfrEvents events = new JfrEvents(monitor);
        FlightRecorder.register(OwnershipTransitionEvent.class);
        FlightRecorder.addPeriodicEvent(AllocatorStatisticsEvent.class, events::emitAllocatorStatistics);
        return events;
    }

    @Override
    public void onLine(long[] r, String threadName, String at) {
        OwnershipTransitionEvent e = new OwnershipTransitionEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.threadName = threadName;
        e.tid = r[Report.R_TID];
        e.from = Owner.ofCode(r[Report.R_FROM_OWNER]).name();
        e.to = Owner.ofCode(r[Report.R_OWNER]).name();
        e.mode = Mode.ofCode(r[Report.R_MODE]).label();
        e.at = at;
        e.commit();
    }

    private void emitAllocatorStatistics() {
        long[] a = monitor.allocatorFigures();
        AllocatorStatisticsEvent e = new AllocatorStatisticsEvent();
        e.bytesInUse = a[Report.AS_BYTES_IN_USE];
        e.bytesCached = a[Report.AS_BYTES_CACHED];
        e.bytesCommitted = a[Report.AS_BYTES_COMMITTED];
        e.allocations = a[Report.A_HITS] + a[Report.A_MISSES];
        e.frees = a[Report.A_FREES];
        e.hitRate = AgentMonitor.hitRate(a);
        e.aborts = a[Report.A_ABORTS];
        e.fallbackOps = a[Report.AS_FALLBACK_OPS];
        e.directBytesServed = monitor.getDirectBytesServed();
        e.commit();
    }
}
