package dev.rseqagent;

import dev.rseqagent.bootstrap.Report;

/** What the agent found on one thread: who owns its rseq registration, and what the agent may do there. */
public final class RseqThread {
    private final long tid;
    private final Owner owner;
    private final Mode mode;
    private final CpuIndexSource cpuIndexSource;
    private final long area;
    private final int areaLength;
    private final boolean holdingForeignRefcount;
    private final int errno;

    private RseqThread(long[] report) {
        this.tid = report[Report.R_TID];
        this.owner = Owner.ofCode(report[Report.R_OWNER]);
        this.mode = Mode.ofCode(report[Report.R_MODE]);
        this.cpuIndexSource = CpuIndexSource.ofCode(report[Report.R_CPU_SOURCE]);
        this.area = report[Report.R_AREA];
        this.areaLength = (int) report[Report.R_LEN];
        this.holdingForeignRefcount = report[Report.R_HELD] != 0;
        this.errno = (int) report[Report.R_ERRNO];
    }

    static RseqThread fromReport(long[] report) {
        return new RseqThread(report);
    }

    /** The kernel thread id. */
    public long tid() {
        return tid;
    }

    public Owner owner() {
        return owner;
    }

    public Mode mode() {
        return mode;
    }

    /** The per-CPU index rseq critical sections use here; {@link CpuIndexSource#NONE} unless in rseq mode. */
    public CpuIndexSource cpuIndexSource() {
        return cpuIndexSource;
    }

    /** Address of the registered area, 0 when nothing (or nothing we can name) is registered. */
    public long area() {
        return area;
    }

    public int areaLength() {
        return areaLength;
    }

    /** True while the agent holds a FOREIGN owner's {@code __rseq_refcount} on this thread. */
    public boolean holdingForeignRefcount() {
        return holdingForeignRefcount;
    }

    /** For {@link Owner#UNAVAILABLE}: the errno the rseq system call gave (ENOSYS 38, EPERM 1); else 0. */
    public int errno() {
        return errno;
    }

    @Override
    public String toString() {
        return "RseqThread[tid=" + tid + ", owner=" + owner + ", mode=" + mode.label()
                + ", cpu=" + cpuIndexSource.label() + ", held=" + holdingForeignRefcount + "]";
    }
}
