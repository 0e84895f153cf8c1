package dev.rseqagent.tooling.shim;

import com.sun.jna.NativeLibrary;
import dev.rseqagent.bootstrap.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shim's control plane through JNA: probe a thread, counters, process
 * facts, queued events. Turns a negative errno into an exception naming the call.
 */
public final class ControlPlane {
    private final ShimLibrary lib;

    private ControlPlane(ShimLibrary lib) {
        this.lib = lib;
    }

    static ControlPlane bind(Path shim) {
        ShimLibrary lib = new ShimLibrary(NativeLibrary.getInstance(shim.toString()));
        check("rseqagent_init", lib.init());
        return new ControlPlane(lib);
    }

    /** Probes the calling thread; flags as in {@link Report}. */
    public long[] probe(int flags) {
        long[] report = new long[Report.REPORT_FIELDS];
        check("rseqagent_thread_probe", lib.threadProbe(report, flags));
        return report;
    }

    public long[] processInfo() {
        long[] info = new long[Report.PROCESS_FIELDS];
        check("rseqagent_process_info", lib.processInfo(info));
        return info;
    }

    public long[] counters() {
        long[] out = new long[Report.COUNTERS];
        check("rseqagent_counters", lib.counters(out));
        return out;
    }

    /** Moves up to {@code max} queued reports into {@code buf}, waiting up to {@code timeoutMs} for a batch. */
    public int drainEvents(long[] buf, int max, int timeoutMs) {
        return check("rseqagent_events_drain", lib.eventsDrain(buf, max, timeoutMs));
    }

    /** Gives back what idle CPUs' allocation caches hold; bytes drained (negative: errno, not supported). */
    public long reclaim() {
        return lib.reclaim();
    }

    /** 0 if {@link #reclaim} can drain other CPUs' caches here, else the errno membarrier's RSEQ command gave. */
    public int reclaimErrno() {
        return -lib.reclaimSupported();
    }

    /**
     * Bytes of address space the allocator's arena would reserve now (0: a
     * limit leaves too little), and in boundBy[0] what bounds it
     * ({@code RSEQAGENT_ARENA_*}: 0 none, 1 ulimit -v, 2 ulimit -d, 3 strict overcommit).
     */
    public long arenaBudget(int[] boundBy) {
        return lib.arenaBudget(boundBy);
    }

    /** Paths of the loaded libraries that define __rseq_abi. */
    public List<String> foreignOwners() {
        byte[] buf = new byte[16 * 1024];
        check("rseqagent_foreign_owners", lib.foreignOwners(buf));
        int end = 0;
        while (end < buf.length && buf[end] != 0) {
            end++;
        }
        List<String> names = new ArrayList<>();
        for (String line : new String(buf, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                names.add(line);
            }
        }
        return names;
    }

    public boolean owns(long address) {
        return lib.owns(address);
    }

    /** The allocator's figures and its per-CPU counters summed, laid out as {@code Report.A_*}. */
    public long[] allocatorStats() {
        long[] out = new long[Report.ALLOCATOR_FIELDS];
        check("rseqagent_alloc_stats", lib.allocStats(out));
        long[] cpu = new long[Report.CPU_STATS];
        for (int region = 0; region < out[Report.AS_REGIONS]; region++) {
            check("rseqagent_cpu_stats", lib.cpuStats(region, cpu));
            out[Report.A_HITS] += cpu[Report.CS_HITS];
            out[Report.A_MISSES] += cpu[Report.CS_MISSES];
            out[Report.A_OVERFLOWS] += cpu[Report.CS_OVERFLOWS];
            out[Report.A_ABORTS] += cpu[Report.CS_ABORTS];
            out[Report.A_FREES] += cpu[Report.CS_FREES];
        }
        return out;
    }

    private static int check(String call, int rc) {
        if (rc < 0) {
            throw new IllegalStateException(call + " failed: " + Errno.name(-rc));
        }
        return rc;
    }
}
