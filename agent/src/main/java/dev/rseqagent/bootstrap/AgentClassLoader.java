package dev.rseqagent.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.Instrumentation;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The agent's isolated class loader. Its classes (the agent's tooling, JNA,
 * SLF4J, Logback) live in the agent jar under {@code inst/} as
 * {@code .classdata}, so the application's class loaders never see them and an
 * application's own JNA or Logback never meets ours. The bootstrap side
 * ({@code dev.rseqagent.bootstrap} and the public API in {@code dev.rseqagent})
 * is delegated to the loader that loaded the agent, so both sides share it.
 */
public final class AgentClassLoader extends ClassLoader {
    private static final String PREFIX = "inst/";
    private static final String STARTER = "dev.rseqagent.tooling.AgentStarterImpl";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    /** Jars opened later, only when a feature needs them (Byte Buddy, for rewriting): plain .class entries. */
    private volatile JarFile[] extraJars = new JarFile[0];
    private final URL jarUrl;
    private final ClassLoader bootstrapSide;
    private final ProtectionDomain domain;

    private AgentClassLoader(Path jarPath, ClassLoader bootstrapSide) throws IOException {
        super("rseq-agent", ClassLoader.getPlatformClassLoader());
        this.jar = new JarFile(jarPath.toFile(), false);
        this.jarUrl = jarPath.toUri().toURL();
        this.bootstrapSide = bootstrapSide;
        this.domain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null), null, this, null);
    }

    /** The loader over the jar that holds {@code anchor}. */
    static AgentClassLoader forAgentJar(Class<?> anchor) throws IOException, URISyntaxException {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IOException("cannot locate the agent jar");
        }
        return new AgentClassLoader(Path.of(source.getLocation().toURI()), anchor.getClassLoader());
    }

    private static volatile AgentStarter starter;

    /**
     * Called by the starter's static initialiser: initialising the class hands
     * us an instance without reflection, whose first use costs ~10 ms of
     * method-handle spinning on JDK 18+.
     */
    public static void registerStarter(AgentStarter impl) {
        starter = impl;
    }

    void startAgent(String agentArgs, Instrumentation inst) throws ClassNotFoundException {
        Class.forName(STARTER, true, this);
        AgentStarter impl = starter;
        if (impl == null) {
            throw new IllegalStateException(STARTER + " did not register itself");
        }
        impl.start(agentArgs, inst);
    }

    static boolean isBootstrapSide(String className) {
        if (className.startsWith("dev.rseqagent.bootstrap.")) {
            return true;
        }
        return className.startsWith("dev.rseqagent.") && className.indexOf('.', "dev.rseqagent.".length()) < 0;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isBootstrapSide(name)) {
            return bootstrapSide.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    /**
     * Adds a jar of plain classes, extracted from the agent jar by the tooling:
     * big dependencies that only some features use stay out of the jar that
     * every start opens.
     */
    public synchronized void addJar(Path path) throws IOException {
        JarFile[] grown = Arrays.copyOf(extraJars, extraJars.length + 1);
        grown[grown.length - 1] = new JarFile(path.toFile(), false);
        extraJars = grown;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/');
        try (InputStream in = openEntry(path + ".classdata", path + ".class")) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            definePackageOf(name);
            return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    /** inst/{@code hidden} in the agent jar, else {@code plain} in an added jar; null if neither. */
    private InputStream openEntry(String hidden, String plain) throws IOException {
        JarEntry entry = jar.getJarEntry(PREFIX + hidden);
        if (entry != null) {
            return jar.getInputStream(entry);
        }
        for (JarFile extra : extraJars) {
            JarEntry e = extra.getJarEntry(plain);
            if (e != null) {
                return extra.getInputStream(e);
            }
        }
        return null;
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0 && getDefinedPackage(className.substring(0, dot)) == null) {
            try {
                definePackage(className.substring(0, dot), null, null, null, null, null, null, null);
            } catch (IllegalArgumentException alreadyDefinedByAnotherThread) {
                // parallel-capable: another thread won the race, which is fine
            }
        }
    }

    /**
     * Straight from the jar: no jar: URL handler on the start-up path. A class
     * file's name finds its .classdata, so class-file readers (Byte Buddy) see
     * the agent's own classes.
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        try {
            String hidden = name.endsWith(".class") ? name + "data" : name;
            InputStream in = openEntry(hidden, name);
            return in != null ? in : super.getResourceAsStream(name);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected URL findResource(String name) {
        if (jar.getJarEntry(PREFIX + name) == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + PREFIX + name);
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }
}
