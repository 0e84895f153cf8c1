package dev.rseqagent.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.instrument.Instrumentation;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The agent's isolated class loader. Its classes (the agent's tooling, JNA,
 * SLF4J, Logback) live in the agent jar in one {@link ClassPack}, and their
 * resources under {@code inst/}, so the application's class loaders never see
 * them and an application's own JNA or Logback never meets ours. The bootstrap side
 * ({@code dev.rseqagent.bootstrap} and the public API in {@code dev.rseqagent})
 * is delegated to the loader that loaded the agent, so both sides share it.
 * A class the agent carries is defined here without asking the parent first:
 * the parent would only fail, with an exception per class, ~100 times on the
 * application's start-up path.
 */
public final class AgentClassLoader extends ClassLoader {
    private static final String PREFIX = "inst/";
    private static final String PACK = PREFIX + "classes.pack";
    private static final String STARTER = "dev.rseqagent.tooling.AgentStarterImpl";

    static {
        registerAsParallelCapable();
    }

    /** ZipFile, not JarFile: no manifest, signature or multi-release handling on each lookup. */
    private final ZipFile jar;
    /** Opened with the first class defined here, on premain's thread. */
    private volatile ClassPack pack;
    /** Jars opened later, only when a feature needs them (Byte Buddy, for rewriting): plain .class entries. */
    private volatile ZipFile[] extraJars = new ZipFile[0];
    private final URL jarUrl;
    private final File jarFile;
    /** The jar-written-over line was printed (racy: at worst twice). */
    private boolean jarChangeSaid;
    private final ClassLoader bootstrapSide;
    /** The agent jar's: a security policy's grant to the jar holds for every class defined here. */
    private final ProtectionDomain domain;

    private AgentClassLoader(Path jarPath, ClassLoader bootstrapSide) throws IOException {
        super("rseq-agent", ClassLoader.getPlatformClassLoader());
        this.jarFile = jarPath.toFile();
        this.jar = new ZipFile(jarFile);
        this.jarUrl = jarPath.toUri().toURL();
        this.bootstrapSide = bootstrapSide;
        this.domain = new ProtectionDomain(new CodeSource(jarUrl, (CodeSigner[]) null), null, this, null);
    }

    /** The loader over the jar that holds {@code anchor}. */
    static AgentClassLoader forAgentJar(Class<?> anchor) throws IOException, URISyntaxException {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IOException("cannot locate the agent jar");
        }
        return over(Path.of(source.getLocation().toURI()), anchor.getClassLoader());
    }

    static AgentClassLoader over(Path jarPath, ClassLoader bootstrapSide) throws IOException {
        return new AgentClassLoader(jarPath, bootstrapSide);
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
        if (name.startsWith("java.")) {
            return super.loadClass(name, resolve); // never in the pack (only the JDK may define java.*): no lookup
        }
        if (isBootstrapSide(name)) {
            return bootstrapSide.loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = defineOwn(name);
            }
            if (c == null) {
                return super.loadClass(name, resolve); // the JDK's classes, through the platform loader
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /**
     * Adds a jar of plain classes, extracted from the agent jar by the tooling:
     * big dependencies that only some features use stay out of the jar that
     * every start opens.
     */
    public synchronized void addJar(Path path) throws IOException {
        ZipFile[] grown = Arrays.copyOf(extraJars, extraJars.length + 1);
        grown[grown.length - 1] = new ZipFile(path.toFile());
        extraJars = grown;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> c = defineOwn(name);
        if (c == null) {
            throw new ClassNotFoundException(name);
        }
        return c;
    }

    /** Defines {@code name} from the agent's pack or added jars; null if they do not have it. */
    private Class<?> defineOwn(String name) throws ClassNotFoundException {
        try {
            byte[] bytes = classFile(name.replace('.', '/'));
            if (bytes == null) {
                return null;
            }
            definePackageOf(name);
            return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (ClassPack.ChangedOnDisk e) {
            sayJarChangedOnce(e);
            throw new ClassNotFoundException(name, e);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    /**
     * Said straight to stderr (the agent's logging may need classes it can no
     * longer load), once: what failed, why, and how to deploy a new version.
     */
    private void sayJarChangedOnce(ClassPack.ChangedOnDisk e) {
        if (!jarChangeSaid) {
            jarChangeSaid = true;
            System.err.println("[rseq-agent] ERROR " + jarFile + " was written over while this JVM runs (" + e.path
                    + " differs); the agent cannot load the rest of its classes and parts of it stop: restart the JVM to"
                    + " run the new version, and replace the jar by renaming a new file over it (mv), not by writing into"
                    + " it");
        }
    }

    /** The class file at {@code path} ("a/b/C") in the pack, else in an added jar; null if neither has it. */
    private byte[] classFile(String path) throws IOException {
        byte[] bytes = pack().classFile(path);
        if (bytes != null) {
            return bytes;
        }
        try (Entry entry = openAdded(path + ".class")) {
            return entry == null ? null : entry.readAll();
        }
    }

    private ClassPack pack() throws IOException {
        ClassPack p = pack;
        if (p == null) {
            synchronized (this) {
                if (pack == null) {
                    pack = ClassPack.open(packSource());
                }
                p = pack;
            }
        }
        return p;
    }

    /** The pack read straight from the jar file, as it is stored; through ZipFile if it is not. */
    private ClassPack.Source packSource() throws IOException {
        RandomAccessFile file = new RandomAccessFile(jarFile, "r");
        StoredEntry stored = null;
        try {
            stored = StoredEntry.find(file, PACK);
        } finally {
            if (stored == null) {
                file.close(); // else it stays open while the loader is, as the ZipFile does
            }
        }
        if (stored != null) {
            return stored;
        }
        ZipEntry entry = jar.getEntry(PACK);
        if (entry == null) {
            throw new IOException("the agent jar has no " + PACK);
        }
        return new PackEntry(jar, entry);
    }

    /** The pack's bytes through ZipFile (a jar repacked with the pack deflated: slow, but it works). */
    private static final class PackEntry implements ClassPack.Source {
        private final ZipFile jar;
        private final ZipEntry entry;

        PackEntry(ZipFile jar, ZipEntry entry) {
            this.jar = jar;
            this.entry = entry;
        }

        @Override
        public void read(long at, byte[] into) throws IOException {
            try (InputStream in = jar.getInputStream(entry)) {
                in.skipNBytes(at);
                if (in.readNBytes(into, 0, into.length) != into.length) {
                    throw new IOException("truncated " + entry.getName());
                }
            }
        }
    }

    /** An entry of one of the agent's jars, open for reading. */
    private static final class Entry implements AutoCloseable {
        private final ZipEntry entry;
        private final InputStream in;

        Entry(ZipFile zip, ZipEntry entry) throws IOException {
            this.entry = entry;
            this.in = zip.getInputStream(entry);
        }

        /** In one array of the entry's known size: readAllBytes grows and copies buffers, interpreted this early. */
        byte[] readAll() throws IOException {
            long size = entry.getSize();
            if (size < 0 || size > Integer.MAX_VALUE) {
                return in.readAllBytes();
            }
            byte[] bytes = new byte[(int) size];
            if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
                throw new IOException("truncated entry " + entry.getName());
            }
            return bytes;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** inst/{@code name} in the agent jar, else {@code name} in an added jar; null if neither. */
    private Entry openEntry(String name) throws IOException {
        ZipEntry entry = jar.getEntry(PREFIX + name);
        return entry != null ? new Entry(jar, entry) : openAdded(name);
    }

    /** {@code name} in an added jar; null if none has it. */
    private Entry openAdded(String name) throws IOException {
        for (ZipFile extra : extraJars) {
            ZipEntry e = extra.getEntry(name);
            if (e != null) {
                return new Entry(extra, e);
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
     * {CRC-32, length} of resource {@code name} as the agent jar's directory
     * records them, or null if it has no such entry: lets the extractor check a
     * copy on disk without inflating the entry (4.6 MB for Byte Buddy's jar).
     */
    public long[] recordedChecksum(String name) {
        ZipEntry entry = jar.getEntry(PREFIX + name);
        if (entry == null || entry.getCrc() < 0 || entry.getSize() < 0) {
            return null;
        }
        return new long[] {entry.getCrc(), entry.getSize()};
    }

    /**
     * Straight from the jar: no jar: URL handler on the start-up path. A class
     * file's name finds it in the pack, so class-file readers (Byte Buddy) see
     * the agent's own classes.
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        try {
            if (name.endsWith(".class")) {
                byte[] bytes = classFile(name.substring(0, name.length() - ".class".length()));
                return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
            }
            Entry entry = openEntry(name);
            return entry != null ? entry.in : super.getResourceAsStream(name);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected URL findResource(String name) {
        if (jar.getEntry(PREFIX + name) == null) {
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
