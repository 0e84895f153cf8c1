package dev.rseqagent.tooling.diag;

import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.log.TransitionListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    /**
     * Whether this JVM was given -XX:StartFlightRecording: on its command line
     * (@argfiles too) or in the variables the JVM and its launcher read
     * (containers often set JAVA_TOOL_OPTIONS). Read without management
     * classes; a miss (no /proc, a -XX:VMOptionsFile) only delays the events
     * to the next periodic check.
     */
    static boolean requestedAtStart() {
        return requestedAtStart(System.getenv(), read("/proc/self/cmdline"));
    }

    /** As above, from these variables and a command line of NUL-terminated arguments. */
    static boolean requestedAtStart(Map<String, String> env, String cmdline) {
        for (String variable : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
            if (requests(env.get(variable))) {
                return true;
            }
        }
        for (String arg : cmdline.split("\0")) {
            if (requests(arg.startsWith("@") ? read(arg.substring(1)) : arg)) {
                return true;
            }
        }
        return false;
    }

    private static boolean requests(String options) {
        return options != null && options.contains("-XX:StartFlightRecording");
    }

    private static String read(String file) {
        try {
            return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) { // no /proc, an argfile gone or unreadable
            return "";
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
        e.allocations = AgentMonitor.allocations(a);
        e.frees = AgentMonitor.frees(a);
        e.hitRate = AgentMonitor.hitRate(a);
        e.aborts = a[Report.A_ABORTS];
        e.fallbackOps = a[Report.AS_FALLBACK_OPS];
        e.directBytesServed = monitor.getDirectBytesServed();
        e.allocationsServedElsewhere = monitor.getAllocationsServedElsewhere();
        e.commit();
    }
}
