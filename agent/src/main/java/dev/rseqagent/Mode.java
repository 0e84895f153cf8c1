package dev.rseqagent;

import java.util.Locale;

/** Whether the agent may run rseq critical sections on a thread. Codes match {@code enum rseqagent_mode}. */
public enum Mode {
    /** Nobody owns the registration yet. */
    NONE,
    /** Critical sections may run on the registered area. */
    RSEQ,
    /** Never: the fallback path is used. */
    FALLBACK;

    private static final Mode[] BY_CODE = values();

    /** @throws IllegalArgumentException for a code the shim never reports */
    public static Mode ofCode(long code) {
        return ShimCodes.decode(BY_CODE, code, "mode");
    }

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in log lines. */
    public String label() {
        return label;
    }
}
