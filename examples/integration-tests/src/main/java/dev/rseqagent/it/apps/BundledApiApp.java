package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;
import dev.rseqagent.it.alloc.Checks;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * The API as an application that bundles rseq-agent.jar sees it when its own
 * loader looks in its jars first (a servlet container's WEB-INF/lib): a second
 * copy of dev.rseqagent.Rseq, which the running agent never installed.
 * Prints CHECK lines and the second copy's message (BUNDLED ...).
 */
public final class BundledApiApp {
    public static void main(String[] args) throws Exception {
        Checks.check("api.agents-copy", Rseq.currentThread() != null, "no answer");
        URL agentJar = Rseq.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader webapp = new URLClassLoader("webapp", new URL[] {agentJar},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> bundled = webapp.loadClass(Rseq.class.getName());
            Checks.check("api.second-copy", bundled != Rseq.class, bundled.getClassLoader());
            try {
                bundled.getMethod("currentThread").invoke(null);
                Checks.check("api.second-copy.refuses", false, "it answered");
            } catch (InvocationTargetException e) {
                Checks.check("api.second-copy.refuses", e.getCause() instanceof IllegalStateException, e.getCause());
                System.out.println("BUNDLED " + e.getCause().getMessage());
            }
        }
        Checks.done();
    }
}
