/**
 * The allocation facade: what rewritten call sites and the JDK's guarded free
 * paths call. These classes are packed into {@code inst/rseq-agent-boot.jar}
 * and defined into the boot loader by the agent, so every class loader that
 * delegates sees them (and {@code java.base}, given a read edge). Tiny and free of
 * dependencies: no allocation on the hot path and nothing in front of the
 * shim. The natives of {@link dev.rseqagent.boot.JniMemory} are registered by
 * the agent (RegisterNatives); the boot loader binds nothing by itself.
 */
package dev.rseqagent.boot;
