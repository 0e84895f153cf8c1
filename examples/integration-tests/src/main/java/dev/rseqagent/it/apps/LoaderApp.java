package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;
import dev.rseqagent.it.alloc.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

/**
 * An opted-in class behind two class loaders that define it themselves:
 * a child-first one that still delegates what it does not have (it sees the
 * facade: rewritten), and an OSGi-style one that delegates only java.* and
 * the app's helpers (it does not: skipped, the class runs unchanged).
 */
public final class LoaderApp {
    private static final String ALLOCATING = "dev.rseqagent.it.alloc.loaded.Allocating";

    public static void main(String[] args) throws Exception {
        run("child-first", new OwnFirstLoader(false), true);
        run("isolating", new OwnFirstLoader(true), false);
        Checks.done();
    }

    private static void run(String name, ClassLoader loader, boolean expectShim) throws Exception {
        Class<?> type = loader.loadClass(ALLOCATING);
        Checks.check(name + ".own-copy", type.getClassLoader() == loader, type.getClassLoader());
        Method allocate = type.getMethod("allocate", sun.misc.Unsafe.class);
        Method free = type.getMethod("free", sun.misc.Unsafe.class, long.class);
        long p = (long) allocate.invoke(null, Checks.UNSAFE);
        Checks.UNSAFE.putLong(p, 5);
        Checks.check(name + ".memory", Rseq.owns(p) == expectShim && Checks.UNSAFE.getLong(p) == 5, p);
        free.invoke(null, Checks.UNSAFE, p);
    }

    /** Defines the Allocating class itself; other names go to the parent, or (isolating) only java.* and the app's own. */
    private static final class OwnFirstLoader extends ClassLoader {
        private final boolean isolating;

        OwnFirstLoader(boolean isolating) {
            super(LoaderApp.class.getClassLoader());
            this.isolating = isolating;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.equals(ALLOCATING)) {
                    c = defineOwn(name);
                }
                if (c == null) {
                    if (isolating && !name.startsWith("java.") && !name.startsWith("sun.misc.")
                            && !name.startsWith("dev.rseqagent.it.")) {
                        throw new ClassNotFoundException(name + " (this loader exports nothing else)");
                    }
                    c = getParent().loadClass(name);
                }
                return c;
            }
        }

        private Class<?> defineOwn(String name) throws ClassNotFoundException {
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
