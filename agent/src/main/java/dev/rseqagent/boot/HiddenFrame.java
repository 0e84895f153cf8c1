package dev.rseqagent.boot;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A facade method that stack walks should not see: the build turns this mark
 * into the JDK's own {@code jdk.internal.vm.annotation.Hidden} (which the JVM
 * honours for boot-loader classes like the facade's; see
 * {@code bootstrap.HiddenFrames}). Then what the JDK says about a replaced
 * call's caller (sun.misc.Unsafe's memory-access warnings) names the
 * application's class, as it would without the agent.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
@interface HiddenFrame {
}
