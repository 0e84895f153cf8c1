package dev.rseqagent.tooling.log;

import dev.rseqagent.Mode;
import dev.rseqagent.Owner;

/**
 * An owner/mode pair as one small int, for per-thread state and counters
 * without a string or a map, and as its "OWNER/mode" key when printed.
 */
final class OwnerModes {
    private static final Owner[] OWNERS = Owner.values();
    private static final Mode[] MODES = Mode.values();
    /** Every pair's int is below this: the length of an array indexed by {@link #of}. */
    static final int COUNT = OWNERS.length * MODES.length;

    private OwnerModes() {
    }

    static int of(Owner owner, Mode mode) {
        return owner.ordinal() * MODES.length + mode.ordinal();
    }

    /** "GLIBC/rseq" for the int {@link #of} gave. */
    static String key(int ownerMode) {
        return OWNERS[ownerMode / MODES.length].name() + "/" + MODES[ownerMode % MODES.length].label();
    }
}
