package dev.rseqagent.tooling.shim;

import java.io.IOException;
import java.nio.file.Path;

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
    private final Path tmpDir;
    private final String user;

    private Shim(Path path, Platform platform, ClassLoader resources, Path tmpDir, String user) {
        this.path = path;
        this.platform = platform;
        this.resources = resources;
        this.tmpDir = tmpDir;
        this.user = user;
    }

    /**
     * Extracts the shim for {@code platform} and loads it into the JVM.
     *
     * @throws IOException if it cannot be extracted
     * @throws IllegalCallerException if native access is denied (JDK 24+)
     */
    public static Shim load(ClassLoader resources, Platform platform, Path tmpDir, String user) throws IOException {
        Path path = ShimExtractor.extract(resources, platform.shimResource(), tmpDir, user);
        System.load(path.toString());
        return new Shim(path, platform, resources, tmpDir, user);
    }

    public Path path() {
        return path;
    }

    /** Extracts another resource of the agent jar (a nested jar) beside the shim, named by its content. */
    public Path extract(String resource) throws IOException {
        int dot = resource.lastIndexOf('.');
        return ShimExtractor.extract(resources, resource, tmpDir, user,
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
        Path dispatch = ShimExtractor.extract(resources, platform.jnaDispatchResource(), tmpDir, user,
                "jnidispatch-" + ShimExtractor.HASH + "/libjnidispatch.so");
        JnaBoot.initialize(Shim.class.getClassLoader(), dispatch.getParent());
        return ControlPlane.bind(path);
    }
}
