package dev.rseqagent.tooling.rewrite;

import dev.rseqagent.boot.ShimMemory;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** The Byte Buddy side of {@link Rewriting}, loaded only after Byte Buddy's jar is added. */
final class RewriteInstaller {
    private RewriteInstaller() {
    }

    /** @return the exit summary of the call-site rewriting */
    static Supplier<String> install(Instrumentation inst, Class<?> facade, List<Replacement> replacements,
            List<String> include, List<String> exclude, Logger log) throws Exception {
        installGuard(inst);
        CallSiteTransformer callSites = new CallSiteTransformer(inst, replacements, include, exclude, facade, log);
        inst.addTransformer(callSites, true);
        int loaded = retransformLoaded(inst, callSites, log);
        log.info("rewriting native-memory calls ({}) in packages {}{}: {} call sites in {} classes so far "
                + "({} loaded before the agent); facade: {}", names(replacements), dotted(include),
                exclude.isEmpty() ? "" : " except " + dotted(exclude),
                callSites.sites.get(), callSites.classes.get(), loaded, describePath());
        return callSites::summary;
    }

    private static void installGuard(Instrumentation inst) throws Exception {
        JdkFreeGuardTransformer guard = new JdkFreeGuardTransformer();
        inst.addTransformer(guard, true);
        Class<?> unsafe = Class.forName(JdkFreeGuardTransformer.UNSAFE.replace('/', '.'));
        try {
            inst.retransformClasses(unsafe);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
            inst.removeTransformer(guard);
            throw new IllegalStateException("cannot guard the JDK's free paths: " + e, e);
        }
        String problem = guard.problem();
        if (problem != null) {
            inst.removeTransformer(guard);
            throw new IllegalStateException("cannot guard the JDK's free paths: " + problem);
        }
    }

    /** Retransforms the in-scope classes loaded before premain; returns how many there were. */
    private static int retransformLoaded(Instrumentation inst, CallSiteTransformer callSites, Logger log) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (callSites.selects(type) && inst.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        callSites.retransformingLoaded = true;
        for (Class<?> type : loaded) {
            try {
                inst.retransformClasses(type); // one by one: one failure leaves the others rewritten
            } catch (Throwable t) {
                log.warn("could not retransform {}; it is left unchanged: {}", type.getName(), t.toString());
            }
        }
        callSites.retransformingLoaded = false;
        return loaded.size();
    }

    private static String describePath() {
        if (ShimMemory.ffmPending()) {
            return "jni until the FFM critical downcalls are built (in the background), then ffm";
        }
        String path = ShimMemory.path();
        String refusal = ShimMemory.ffmRefusal();
        String text = path.equals("ffm") ? "ffm (critical downcalls)" : "jni";
        return refusal == null ? text : text + " (FFM unavailable: " + refusal + ")";
    }

    private static String names(List<Replacement> replacements) {
        StringBuilder sb = new StringBuilder();
        for (Replacement r : replacements) {
            sb.append(sb.length() == 0 ? "" : ", ").append(r.owner.substring(r.owner.lastIndexOf('/') + 1))
                    .append('.').append(r.name);
        }
        return sb.toString();
    }

    private static String dotted(List<String> internalPrefixes) {
        List<String> names = new ArrayList<>();
        for (String p : internalPrefixes) {
            names.add(p.substring(0, p.length() - 1).replace('/', '.'));
        }
        return names.toString();
    }
}
