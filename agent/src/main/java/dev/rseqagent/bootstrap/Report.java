package dev.rseqagent.bootstrap;

/**
 * Layout of the shim's report, process-info and counter arrays; mirrors
 * {@code native/include/rseqagent.h} (enum rseqagent_report_field and friends).
 */
public final class Report {
    private Report() {
    }

    public static final int ACQUIRE = 0x1;
    public static final int RELEASE = 0x2;

    public static final int KIND_PROBE = 0;
    public static final int KIND_THREAD_EXIT = 1;
    public static final int KIND_ALLOCATOR = 2;
    public static final int KIND_THREAD_START = 3;
    public static final int KIND_LEFT_JVM = 4;

    public static final int R_KIND = 0;
    public static final int R_TID = 1;
    public static final int R_FROM_OWNER = 2;
    public static final int R_FROM_MODE = 3;
    public static final int R_OWNER = 4;
    public static final int R_MODE = 5;
    public static final int R_AREA = 6;
    public static final int R_LEN = 7;
    public static final int R_SIG = 8;
    public static final int R_CPU_SOURCE = 9;
    public static final int R_ERRNO = 10;
    public static final int R_HELD = 11;
    public static final int R_TAG = 12;
    public static final int REPORT_FIELDS = 13;

    public static final int P_KERNEL_ERRNO = 0;
    public static final int P_FEATURE_SIZE = 1;
    public static final int P_ALIGN = 2;
    public static final int P_GLIBC_OFFSET = 3;
    public static final int P_GLIBC_SIZE = 4;
    public static final int P_GLIBC_SYMBOLS = 5;
    public static final int P_CPU_SOURCE = 6;
    public static final int PROCESS_FIELDS = 7;

    public static final int C_REGISTRATIONS = 0;
    public static final int C_UNREGISTRATIONS = 1;
    public static final int C_FOREIGN_TAKES = 2;
    public static final int C_FOREIGN_GIVES = 3;
    public static final int C_EVENTS_DROPPED = 4;
    public static final int C_THREAD_STATES = 5;
    public static final int COUNTERS = 6;

    public static final int AS_BYTES_IN_USE = 0;
    public static final int AS_BYTES_CACHED = 1;
    public static final int AS_BYTES_RESERVED = 2;
    public static final int AS_BYTES_COMMITTED = 3;
    public static final int AS_REGIONS = 4;
    public static final int AS_FALLBACK_OPS = 5;
    public static final int AS_REFUSED_FREES = 6;
    public static final int AS_LARGE_ALLOCS = 7;
    public static final int AS_LARGE_FREES = 8;
    public static final int ALLOC_STATS = 9;

    public static final int CS_HITS = 0;
    public static final int CS_MISSES = 1;
    public static final int CS_OVERFLOWS = 2;
    public static final int CS_ABORTS = 3;
    public static final int CS_BYTES_CACHED = 4;
    public static final int CS_FREES = 5;
    public static final int CPU_STATS = 6;

    /** The agent's allocator array: ALLOC_STATS values, then hits, misses, overflows, aborts, frees summed over regions. */
    public static final int A_HITS = ALLOC_STATS;
    public static final int A_MISSES = ALLOC_STATS + 1;
    public static final int A_OVERFLOWS = ALLOC_STATS + 2;
    public static final int A_ABORTS = ALLOC_STATS + 3;
    public static final int A_FREES = ALLOC_STATS + 4;
    public static final int ALLOCATOR_FIELDS = ALLOC_STATS + 5;

    public static final int SIG_NOT_CHECKED = 0;
    public static final int SIG_MATCH = 1;
    public static final int SIG_OTHER = 2;
}
