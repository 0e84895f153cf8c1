package dev.rseqagent.tooling.rewrite;

import dev.rseqagent.boot.FacadeConfig;
import dev.rseqagent.boot.JdkFreeGuard;
import dev.rseqagent.boot.ShimMemory;
import dev.rseqagent.boot.Substitutes;
import dev.rseqagent.tooling.shim.JvmHook;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Puts the allocation facade ({@code dev.rseqagent.boot}) into the boot
 * loader and makes it usable: java.base exports the JDK internals the facade
 * needs to it and reads it (the free guard inlined into the JDK calls it),
 * its JNI natives are registered from the shim, and its classes are
 * initialised now, never first inside a JDK free or an application's call.
 *
 * <p>The classes are defined straight into the boot loader rather than by
 * appending a jar to the boot class path: an appended path makes the JVM
 * print a warning and give up class-data sharing for every non-boot class.
 */
final class BootFacade {
    static final String JAR_RESOURCE = "rseq-agent-boot.jar";

    private BootFacade() {
    }

    /**
     * The facade, installed.
     *
     * @param substitutes the class rewritten call sites call
     * @param directRefusal why allocateDirect must stay the JDK's here, or null
     */
    record Installed(Class<?> substitutes, String directRefusal) {
    }

    /**
     * @param path the facade option: auto, jni or ffm
     */
    static Installed install(Instrumentation inst, String path) throws Exception {
        Module javaBase = Object.class.getModule();
        defineInBootLoader();
        Class<?> jni = Class.forName("dev.rseqagent.boot.JniMemory", false, null);
        Module facadeModule = jni.getModule();
        inst.redefineModule(javaBase, Set.of(facadeModule),
                Map.of("jdk.internal.access", Set.of(facadeModule), "jdk.internal.misc", Set.of(facadeModule),
                        "jdk.internal.ref", Set.of(facadeModule)),
                Map.of(), Set.of(), Map.of());
        JvmHook.bindMemory(jni);
        return Linked.initialise(path);
    }

    /**
     * Every class of the facade's jar, defined by the boot loader through the
     * shim (JNI DefineClass). ZipInputStream, not JarInputStream: the jar is
     * the agent's own, and a manifest verifier is ~10 classes more to load.
     */
    private static void defineInBootLoader() throws IOException {
        InputStream resource = BootFacade.class.getClassLoader().getResourceAsStream(JAR_RESOURCE);
        if (resource == null) {
            throw new IOException("the agent jar has no " + JAR_RESOURCE);
        }
        try (ZipInputStream jar = new ZipInputStream(resource)) {
            for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
                String name = e.getName();
                if (!name.endsWith(".class") || name.endsWith("package-info.class")) {
                    continue;
                }
                JvmHook.defineInBootLoader(name.substring(0, name.length() - ".class".length()), jar.readAllBytes());
            }
        }
    }

    /** Direct references to the facade, resolved only once the boot loader has it. */
    private static final class Linked {
        static Installed initialise(String path) throws ClassNotFoundException {
            FacadeConfig.requestPath(path);
            if (!ShimMemory.ready()) {
                throw new IllegalStateException("the shim could not reserve its allocator's arena: under ulimit -v,"
                        + " -d or strict overcommit it takes an eighth of what is left, and needs at least 16 MiB");
            }
            if (path.equals("ffm") && ShimMemory.enableFfm() != null) { // asked for: built now, on premain's thread
                throw new IllegalStateException("facade=ffm, but FFM downcalls failed: " + ShimMemory.ffmRefusal());
            }
            JdkFreeGuard.reallocated(0, 0);
            String directRefusal = initialiseDirectBuffers();
            // now, with the agent's permissions: first used from an application's frames, its
            // property read would meet the application's security policy (JDK 17-23)
            Class.forName(Substitutes.class.getName(), true, null);
            return new Installed(Substitutes.class, directRefusal);
        }

        /** null, or why the JDK's direct buffers cannot be made here (a JDK without what they need). */
        private static String initialiseDirectBuffers() throws ClassNotFoundException {
            try {
                Class.forName("dev.rseqagent.boot.DirectBuffers", true, null);
                return null;
            } catch (ExceptionInInitializerError e) {
                return String.valueOf(e.getCause());
            }
        }
    }
}
