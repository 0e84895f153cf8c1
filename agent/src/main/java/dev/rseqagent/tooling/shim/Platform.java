package dev.rseqagent.tooling.shim;

import java.util.Locale;

/** The platform tag the shim is built for: {@code linux-x86_64} or {@code linux-aarch64}. */
public final class Platform {
    private final String arch;

    private Platform(String arch) {
        this.arch = arch;
    }

    /** This JVM's platform, or null when the agent has no shim for it. */
    public static Platform current(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        switch (osArch) {
            case "amd64":
            case "x86_64":
                return new Platform("x86_64");
            case "aarch64":
                return new Platform("aarch64");
            default:
                return null;
        }
    }

    public String arch() {
        return arch;
    }

    public String tag() {
        return "linux-" + arch;
    }

    /** Where the agent jar keeps the shim for this platform. */
    String shimResource() {
        return "META-INF/native/" + tag() + "/librseqagent-" + arch + ".so";
    }

    /** Where JNA keeps its dispatch library for this platform (JNA's own platform names). */
    String jnaDispatchResource() {
        return "com/sun/jna/" + (arch.equals("x86_64") ? "linux-x86-64" : "linux-aarch64") + "/libjnidispatch.so";
    }
}
