package dev.rseqagent.tooling.rewrite;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Whether this JVM writes a static class-data archive in this run: an AOT
 * cache's training or assembly run (JDK 24+: {@code -XX:AOTCacheOutput},
 * {@code -XX:AOTMode=record} or {@code create}).
 *
 * <p>Rewriting is held off in such a run. Its free guard retransforms
 * {@code jdk.internal.misc.Unsafe}; the JVM leaves a retransformed class out
 * of the archive, and a configuration without a class the JVM itself needs
 * crashes the JVM that assembles the cache (JDK 25: SIGSEGV in
 * {@code vmClasses::resolve_shared_class}; adoptium-support#1425). The runs
 * that use the cache rewrite as usual. Dynamic archives
 * ({@code -XX:ArchiveClassesAtExit}) hold only the application's classes and
 * are not affected.
 */
final class ClassDataArchive {
    static final String HELD_OFF = "this run writes an AOT cache (-XX:AOTCacheOutput or -XX:AOTMode=record/create), "
            + "and a cache recorded with the agent's guard in jdk.internal.misc.Unsafe crashes the JVM that assembles it; "
            + "runs that use the cache rewrite as usual";

    private ClassDataArchive() {
    }

    static boolean staticArchiveBeingWritten(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        Set<Module> self = Set.of(ClassDataArchive.class.getModule());
        try {
            inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", self), Map.of(), Set.of(), Map.of());
            // absent on older JDKs (17), which have no AOT cache
            return (Boolean) Class.forName("jdk.internal.misc.CDS").getMethod("isDumpingStaticArchive").invoke(null);
        } catch (NoSuchMethodException e) {
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot tell whether this run writes a class-data archive: " + e, e);
        }
    }
}
