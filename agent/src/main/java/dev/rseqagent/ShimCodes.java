package dev.rseqagent;

/** Decodes the shim's integer codes into this package's enums. */
final class ShimCodes {
    private ShimCodes() {
    }

    static <E extends Enum<E>> E decode(E[] byCode, long code, String what) {
        if (code < 0 || code >= byCode.length) {
            throw new IllegalArgumentException("unknown " + what + " code " + code);
        }
        return byCode[(int) code];
    }
}
