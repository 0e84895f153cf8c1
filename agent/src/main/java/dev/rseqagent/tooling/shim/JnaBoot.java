package dev.rseqagent.tooling.shim;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Initialises the agent's own JNA quickly and without leaving traces. Left to
 * itself, JNA's class initialisation extracts its dispatch library to a new
 * temporary file on every start and, on Linux, runs {@code ldconfig -p} to
 * build a library search path (about 100 ms together here). The agent loads
 * only absolute paths, so it points JNA at a dispatch library it extracted
 * once, and at an empty platform search path, through JNA's own system
 * properties, set only while JNA's classes initialise and restored after, so
 * the application's JNA (if any) starts from what the application set.
 */
final class JnaBoot {
    private JnaBoot() {
    }

    /** pre: called once, before anything touches the agent's com.sun.jna classes; dispatchDir holds libjnidispatch.so. */
    static void initialize(ClassLoader jnaLoader, Path dispatchDir) throws ClassNotFoundException {
        Map<String, String> scoped = new LinkedHashMap<>();
        scoped.put("jna.boot.library.path", dispatchDir.toString());
        scoped.put("jna.boot.library.name", "jnidispatch");
        scoped.put("jna.nosys", "true");
        scoped.put("jna.platform.library.path", "");
        Map<String, String> saved = new LinkedHashMap<>();
        synchronized (System.getProperties()) {
            for (Map.Entry<String, String> e : scoped.entrySet()) {
                saved.put(e.getKey(), System.getProperty(e.getKey()));
                System.setProperty(e.getKey(), e.getValue());
            }
            try {
                Class.forName("com.sun.jna.Native", true, jnaLoader);
                Class.forName("com.sun.jna.NativeLibrary", true, jnaLoader);
            } finally {
                for (Map.Entry<String, String> e : saved.entrySet()) {
                    if (e.getValue() == null) {
                        System.clearProperty(e.getKey());
                    } else {
                        System.setProperty(e.getKey(), e.getValue());
                    }
                }
            }
        }
    }
}
