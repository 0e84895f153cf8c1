package dev.rseqagent.tooling.shim;

/** Names for the few errno values the shim reports. */
public final class Errno {
    private Errno() {
    }

    public static String name(int errno) {
        switch (errno) {
            case 1: return "EPERM";
            case 2: return "ENOENT";
            case 12: return "ENOMEM";
            case 14: return "EFAULT";
            case 16: return "EBUSY";
            case 22: return "EINVAL";
            case 38: return "ENOSYS";
            case 95: return "ENOTSUP";
            case 114: return "EALREADY";
            default: return "errno " + errno;
        }
    }
}
