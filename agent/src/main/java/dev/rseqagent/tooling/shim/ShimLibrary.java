package dev.rseqagent.tooling.shim;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * JNA binding of the shim's control plane (native/include/rseqagent.h):
 * probe, events, counters, process facts, the allocator's reclaimer. Function handles rather than direct mapping:
 * {@code Native.register} initialises JNA's Structure/FFIType machinery
 * (annotations, proxies: ~35 ms of the application's start-up) for a few
 * calls that do not need it. Allocation calls will not go through JNA.
 */
final class ShimLibrary {
    private final Function init;
    private final Function threadProbe;
    private final Function processInfo;
    private final Function counters;
    private final Function eventsDrain;
    private final Function reclaim;
    private final Function reclaimSupported;
    private final Function arenaBudget;
    private final Function owns;
    private final Function allocStats;
    private final Function cpuStats;
    private final Function foreignOwners;

    ShimLibrary(NativeLibrary library) {
        init = library.getFunction("rseqagent_init");
        threadProbe = library.getFunction("rseqagent_thread_probe");
        processInfo = library.getFunction("rseqagent_process_info");
        counters = library.getFunction("rseqagent_counters");
        eventsDrain = library.getFunction("rseqagent_events_drain");
        reclaim = library.getFunction("rseqagent_reclaim");
        reclaimSupported = library.getFunction("rseqagent_reclaim_supported");
        arenaBudget = library.getFunction("rseqagent_arena_budget");
        owns = library.getFunction("rseqagent_owns");
        allocStats = library.getFunction("rseqagent_alloc_stats");
        cpuStats = library.getFunction("rseqagent_cpu_stats");
        foreignOwners = library.getFunction("rseqagent_foreign_owners");
    }

    int init() {
        return init.invokeInt(new Object[0]);
    }

    int threadProbe(long[] report, int flags) {
        return threadProbe.invokeInt(new Object[] {report, flags});
    }

    int processInfo(long[] info) {
        return processInfo.invokeInt(new Object[] {info});
    }

    int counters(long[] out) {
        return counters.invokeInt(new Object[] {out});
    }

    int eventsDrain(long[] buf, int max, int timeoutMs) {
        return eventsDrain.invokeInt(new Object[] {buf, max, timeoutMs});
    }

    long reclaim() {
        return reclaim.invokeLong(new Object[0]);
    }

    int reclaimSupported() {
        return reclaimSupported.invokeInt(new Object[0]);
    }

    long arenaBudget(int[] boundBy) {
        return arenaBudget.invokeLong(new Object[] {boundBy});
    }

    boolean owns(long address) {
        return owns.invokeInt(new Object[] {address}) != 0;
    }

    int allocStats(long[] out) {
        return allocStats.invokeInt(new Object[] {out});
    }

    int foreignOwners(byte[] buf) {
        return foreignOwners.invokeInt(new Object[] {buf, (long) buf.length});
    }

    int cpuStats(int region, long[] out) {
        return cpuStats.invokeInt(new Object[] {region, out});
    }
}
