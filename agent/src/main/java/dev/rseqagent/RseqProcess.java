package dev.rseqagent;

import dev.rseqagent.bootstrap.Report;

/** What the shim found about rseq in this process: kernel support, glibc's registration, the per-CPU index. */
public final class RseqProcess {
    private final long[] info;

    RseqProcess(long[] info) {
        this.info = info.clone();
    }

    /** True when the kernel answers the rseq system call (no ENOSYS, no seccomp block). */
    public boolean kernelSupportsRseq() {
        return info[Report.P_KERNEL_ERRNO] == 0;
    }

    /** The errno the rseq system call gave when it is unavailable (ENOSYS 38, EPERM 1); else 0. */
    public int kernelErrno() {
        return (int) info[Report.P_KERNEL_ERRNO];
    }

    /** AT_RSEQ_FEATURE_SIZE (28 or more means mm_cid); 0 when the kernel does not say. */
    public int featureSize() {
        return (int) info[Report.P_FEATURE_SIZE];
    }

    /** True when glibc exports {@code __rseq_offset}/{@code __rseq_size} (glibc 2.35 and later). */
    public boolean glibcExportsRseq() {
        return info[Report.P_GLIBC_SYMBOLS] != 0;
    }

    /** glibc's {@code __rseq_size}: 0 when glibc did not register (tunable off, no kernel support). */
    public int glibcRseqSize() {
        return (int) info[Report.P_GLIBC_SIZE];
    }

    /** The per-CPU index rseq critical sections use in this process. */
    public CpuIndexSource cpuIndexSource() {
        return CpuIndexSource.ofCode(info[Report.P_CPU_SOURCE]);
    }

    @Override
    public String toString() {
        return "RseqProcess[kernel=" + (kernelSupportsRseq() ? "rseq" : "errno " + kernelErrno())
                + ", featureSize=" + featureSize() + ", glibcRseqSize=" + glibcRseqSize()
                + ", cpu=" + cpuIndexSource().label() + "]";
    }
}
