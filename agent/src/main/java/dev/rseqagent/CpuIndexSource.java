package dev.rseqagent;

import java.util.Locale;

/** Which per-CPU index a thread in rseq mode uses; fixed per process. Codes match {@code enum rseqagent_cpu_source}. */
public enum CpuIndexSource {
    /** Not in rseq mode. */
    NONE,
    /** The kernel's {@code cpu_id}. */
    CPU_ID,
    /** The kernel's concurrency id {@code mm_cid} (Linux 6.3+): fewer caches for processes with few threads. */
    MM_CID;

    private static final CpuIndexSource[] BY_CODE = values();

    /** @throws IllegalArgumentException for a code the shim never reports */
    public static CpuIndexSource ofCode(long code) {
        return ShimCodes.decode(BY_CODE, code, "cpu index source");
    }

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in log lines. */
    public String label() {
        return label;
    }
}
