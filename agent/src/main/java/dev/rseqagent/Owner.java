package dev.rseqagent;

/** Who owns a thread's rseq registration. Codes match {@code enum rseqagent_owner} in rseqagent.h. */
public enum Owner {
    /** Only as the "from" side of a first sighting. */
    NEW,
    /** glibc 2.35+ registered the thread's area. */
    GLIBC,
    /** A loaded library that exports {@code __rseq_abi}. */
    FOREIGN,
    /** An area registered by someone the agent cannot identify. */
    UNKNOWN,
    /** The agent's own area. */
    SHIM,
    /** Nobody; rseq is available. */
    NONE,
    /** No kernel support, or the system call is blocked (seccomp). */
    UNAVAILABLE;

    private static final Owner[] BY_CODE = values();

    /** @throws IllegalArgumentException for a code the shim never reports */
    public static Owner ofCode(long code) {
        return ShimCodes.decode(BY_CODE, code, "owner");
    }
}
