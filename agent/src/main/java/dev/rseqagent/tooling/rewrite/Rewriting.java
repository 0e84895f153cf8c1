package dev.rseqagent.tooling.rewrite;

import dev.rseqagent.boot.ShimMemory;
import dev.rseqagent.bootstrap.AgentClassLoader;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;
import dev.rseqagent.tooling.options.PackageList;
import dev.rseqagent.tooling.shim.Shim;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Opt-in rewriting of native-memory allocation calls ({@code packages=...}).
 * Without packages nothing here runs and Byte Buddy is never opened: the
 * agent only diagnoses. Byte Buddy sits in a jar of its own inside the agent
 * jar, added to the agent's loader only now, so the thousands of entries it
 * has cost nothing to applications that do not rewrite.
 */
public final class Rewriting {
    static final String BYTE_BUDDY_RESOURCE = "byte-buddy.jar";

    private final Supplier<String> summary;

    private Rewriting(Supplier<String> summary) {
        this.summary = summary;
    }

    /** "ffm" or "jni": how rewritten calls reach the shim now. */
    public String path() {
        return ShimMemory.path();
    }

    /**
     * Where FFM is wanted (JDK 22+), builds its downcalls (~0.2 s of a cold
     * JVM, kept off premain) and switches rewritten calls to them; one line
     * says which path they take from then on.
     */
    public void switchToFfm(Logger log) {
        if (!ShimMemory.ffmPending()) {
            return;
        }
        String refusal = ShimMemory.enableFfm();
        if (refusal == null) {
            log.info("rewritten native-memory calls now take FFM critical downcalls (facade: ffm)");
        } else {
            log.warn("rewritten native-memory calls stay on JNI: FFM downcalls could not be built: {}", refusal);
        }
    }

    /** Direct buffers from rewritten allocateDirect calls, still alive. */
    public long liveDirectBuffers() {
        return ShimMemory.liveDirectBuffers();
    }

    /** Their capacity in bytes. */
    public long liveDirectBytes() {
        return ShimMemory.liveDirectBytes();
    }

    /** Allocations the shim's arena could not hold, served by the JDK's allocator (libc for JNA) instead. */
    public long servedElsewhere() {
        return ShimMemory.servedElsewhere();
    }

    /** One line for the exit summary: call sites and classes rewritten, skipped, failed. */
    public String summary() {
        return summary.get();
    }

    /**
     * Why rewriting must stay off in this run although packages are opted in
     * (said once at WARN), or null.
     */
    public static String heldOff(Instrumentation inst) {
        return ClassDataArchive.staticArchiveBeingWritten(inst) ? ClassDataArchive.HELD_OFF : null;
    }

    /**
     * Installs the facade, the JDK free guard and the call-site rewriting, in
     * that order: no call is rewritten unless frees across the boundary are safe.
     *
     * @return the running rewriting, or null when no packages are opted in
     * @throws Exception if rewriting cannot be set up (nothing has been rewritten then)
     */
    public static Rewriting install(AgentOptions options, Instrumentation inst, Shim shim, Logger log) throws Exception {
        List<String> include = PackageList.internalPrefixes(options.get(AgentOption.PACKAGES));
        if (include.isEmpty()) {
            return null;
        }
        if (!inst.isRetransformClassesSupported() || !inst.isModifiableModule(Object.class.getModule())) {
            throw new IllegalStateException("this JVM does not allow retransforming classes");
        }
        List<String> jdk = PackageList.jdkOnly(include);
        if (!jdk.isEmpty()) {
            log.warn("packages {} hold only the JDK's classes, which are never rewritten (the JDK keeps its own"
                    + " allocator)", jdk);
        }
        // The agent's own classes need no exclusion: the facade is the boot loader's, the tooling its own loader's.
        List<String> exclude = PackageList.internalPrefixes(options.get(AgentOption.EXCLUDE));
        ((AgentClassLoader) Rewriting.class.getClassLoader()).addJar(shim.extract(BYTE_BUDDY_RESOURCE));
        BootFacade.Installed facade = BootFacade.install(inst, options.get(AgentOption.FACADE));
        if (facade.directRefusal() != null) {
            log.warn("ByteBuffer.allocateDirect is not rewritten on this JDK (its calls stay the JDK's): {}",
                    facade.directRefusal());
        }
        Supplier<String> summary = RewriteInstaller.install(inst, facade.substitutes(),
                Replacement.active(options.get(AgentOption.JNA).equals("on"), facade.directRefusal() == null),
                include, exclude, log);
        return new Rewriting(summary);
    }
}
