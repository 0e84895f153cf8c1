package dev.rseqagent.tooling.rewrite;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Rewrites the allocation calls of classes in the opted-in packages as they
 * load (and, through retransformation, those loaded before). Classes of the
 * boot and platform loaders and the agent's own are never touched; a class
 * whose loader cannot see the facade is skipped with a line; a class that
 * fails to rewrite is logged and left as it was.
 */
final class CallSiteTransformer implements ClassFileTransformer {
    private final Instrumentation inst;
    private final CallSiteRewriter rewriter;
    private final List<String> include;
    private final List<String> exclude;
    private final Class<?> facade;
    private final Logger log;
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    private final ClassLoader agentLoader = CallSiteTransformer.class.getClassLoader();
    private final Map<ClassLoader, Boolean> seesFacade = Collections.synchronizedMap(new WeakHashMap<>());
    final AtomicLong classes = new AtomicLong();
    final AtomicLong sites = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** While the installer retransforms the classes loaded before the agent: those count as rewritten. */
    volatile boolean retransformingLoaded;

    CallSiteTransformer(Instrumentation inst, List<Replacement> replacements, List<String> include, List<String> exclude,
            Class<?> facade, Logger log) {
        this.inst = inst;
        this.rewriter = new CallSiteRewriter(replacements);
        this.include = include;
        this.exclude = exclude;
        this.facade = facade;
        this.log = log;
    }

    /** For the exit summary: what was rewritten, skipped and failed since start. */
    String summary() {
        return "rewrote " + sites.get() + " allocation call sites in " + classes.get() + " classes; " + skipped.get()
                + " classes skipped (their loader does not see the facade), " + failed.get() + " failed";
    }

    /** Whether a class (internal name) is in scope: under an included prefix and no excluded one. */
    boolean selects(String internalName) {
        return startsWithAny(internalName, include) && !startsWithAny(internalName, exclude);
    }

    boolean selects(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader != null && loader != platformLoader && loader != agentLoader && !type.isArray()
                && selects(type.getName().replace('.', '/'));
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classFile) {
        if (className == null || loader == null || loader == platformLoader || loader == agentLoader
                || !selects(className)) {
            return null;
        }
        try {
            int[] count = new int[1];
            byte[] rewritten = rewriter.rewrite(classFile, count);
            if (rewritten == null) {
                return null;
            }
            String name = className.replace('/', '.');
            if (!canSeeFacade(loader)) {
                skipped.incrementAndGet();
                log.info("not rewriting {} ({} allocation call sites): its class loader {} does not see the agent's "
                        + "facade (dev.rseqagent.boot, in the boot loader)", name, count[0], loader);
                return null;
            }
            if (module != null && module.isNamed() && !module.canRead(facade.getModule())) {
                inst.redefineModule(module, Set.of(facade.getModule()), Map.of(), Map.of(), Set.of(), Map.of());
            }
            if (classBeingRedefined == null || retransformingLoaded) { // not again when another agent retransforms
                classes.incrementAndGet();
                sites.addAndGet(count[0]);
                log.debug("rewrote {} allocation call sites in {}", count[0], name);
            }
            return rewritten;
        } catch (Throwable t) {
            failed.incrementAndGet();
            log.warn("could not rewrite {}; it is left unchanged: {}", className.replace('/', '.'), t.toString());
            return null;
        }
    }

    /** The loader delegates the facade's package to the boot loader (an OSGi-style loader may not). */
    private boolean canSeeFacade(ClassLoader loader) {
        Boolean known = seesFacade.get(loader);
        if (known != null) {
            return known;
        }
        boolean sees;
        try {
            sees = Class.forName(facade.getName(), false, loader) == facade;
        } catch (Throwable t) {
            sees = false;
        }
        seesFacade.put(loader, sees);
        return sees;
    }
}
