package dev.rseqagent.tooling.shim;

import java.nio.file.Path;
import java.util.Map;

/**
 * Initialises the agent's own JNA quickly and without leaving traces. Left to
 * itself, JNA's class initialisation extracts its dispatch library to a new
 * temporary file on every start and, on Linux, runs {@code ldconfig -p} to
 * build a library search path (about 100 ms together here). The agent loads
 * only absolute paths, so it points JNA at a dispatch library it extracted
 * once, and at an empty platform search path, through JNA's own property
 * names, set in {@link JnaProperties}, which the agent's JNA reads instead of
 * the system properties: nothing global is set, even for a moment.
 */
final class JnaBoot {
    private JnaBoot() {
    }

    /** pre: called once, before anything touches the agent's com.sun.jna classes; dispatchDir holds libjnidispatch.so. */
    static void initialize(ClassLoader jnaLoader, Path dispatchDir) throws ClassNotFoundException {
        JnaProperties.set(Map.of(
                "jna.boot.library.path", dispatchDir.toString(),
                "jna.boot.library.name", "jnidispatch",
                "jna.nosys", "true",
                "jna.platform.library.path", ""));
        Class.forName("com.sun.jna.Native", true, jnaLoader);
        Class.forName("com.sun.jna.NativeLibrary", true, jnaLoader);
    }
}
