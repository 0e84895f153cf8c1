package dev.rseqagent.tooling.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The native shim, extracted and loaded once per process. System.load gives
 * the JVM's side ({@link JvmHook}) at once; the JNA control plane, whose
 * start-up costs ~50 ms, is bound separately ({@link #bindControlPlane}),
 * off the application's start-up path.
 */
public final class Shim {
    private final Path path;
    private final Platform platform;
    private final ClassLoader resources;
    /** Where the shim was extracted: what else the agent extracts goes beside it. */
    private final Path base;
    private final int uid;

    private Shim(Path path, Platform platform, ClassLoader resources, Path base, int uid) {
        this.path = path;
        this.platform = platform;
        this.resources = resources;
        this.base = base;
        this.uid = uid;
    }

    /**
     * Extracts the shim for {@code platform} and loads it into the JVM, in the
     * first of {@link #extractionBases} where that works.
     *
     * @throws IOException if it can be extracted and loaded in none
     * @throws IllegalCallerException if native access is denied (JDK 24+)
     */
    public static Shim load(ClassLoader resources, Platform platform) throws IOException {
        List<Path> bases = extractionBases(System.getProperty("java.io.tmpdir"), System.getenv("XDG_CACHE_HOME"),
                System.getProperty("user.home"));
        return load(resources, platform, bases, ShimExtractor.processUid(Path.of("/proc/self"), bases));
    }

    /**
     * Where native code may be extracted, in order: java.io.tmpdir, then the
     * user's cache directory ($XDG_CACHE_HOME, else ~/.cache), for hosts and
     * containers whose /tmp is mounted noexec (nothing there can be mapped
     * executable) or read-only.
     */
    static List<Path> extractionBases(String tmpDir, String xdgCacheHome, String userHome) {
        List<Path> bases = new ArrayList<>();
        bases.add(Path.of(tmpDir));
        if (xdgCacheHome != null && !xdgCacheHome.isEmpty()) {
            bases.add(Path.of(xdgCacheHome));
        } else if (userHome != null && !userHome.isEmpty() && !userHome.equals("?")) {
            bases.add(Path.of(userHome, ".cache"));
        }
        return bases;
    }

    static Shim load(ClassLoader resources, Platform platform, List<Path> bases, int uid) throws IOException {
        StringBuilder failures = new StringBuilder();
        for (Path base : bases) {
            try {
                if (base != bases.get(0)) {
                    Files.createDirectories(base); // a user's first cache directory
                }
                Path path = ShimExtractor.extract(resources, platform.shimResource(), base, uid);
                System.load(path.toString());
                return new Shim(path, platform, resources, base, uid);
            } catch (IOException | UnsatisfiedLinkError e) { // not writable, or mounted noexec: the next one
                failures.append(failures.length() == 0 ? "" : "; ").append(base).append(": ").append(e.getMessage());
            }
        }
        throw new IOException("the shim could be extracted and loaded in none of its directories (" + failures
                + "); a directory mounted noexec cannot hold it: give the JVM -Djava.io.tmpdir=<a directory it can"
                + " write and map executable>");
    }

    public Path path() {
        return path;
    }

    /** Extracts another resource of the agent jar (a nested jar) beside the shim, named by its content. */
    public Path extract(String resource) throws IOException {
        int dot = resource.lastIndexOf('.');
        return ShimExtractor.extract(resources, resource, base, uid,
                resource.substring(0, dot) + "-" + ShimExtractor.HASH + resource.substring(dot));
    }

    /**
     * Binds the control plane through the agent's own JNA, opening the same
     * mapping of the shim (the dynamic loader hands back the loaded copy).
     *
     * @throws IOException if JNA's dispatch library cannot be extracted
     * @throws ClassNotFoundException if the agent jar lacks JNA
     */
    public ControlPlane bindControlPlane() throws IOException, ClassNotFoundException {
        Path dispatch = ShimExtractor.extract(resources, platform.jnaDispatchResource(), base, uid,
                "jnidispatch-" + ShimExtractor.HASH + "/libjnidispatch.so");
        JnaBoot.initialize(Shim.class.getClassLoader(), dispatch.getParent());
        return ControlPlane.bind(path);
    }
}
