package dev.rseqagent.tooling.log;

/**
 * The switch {@link FirstSightLimiter} flips with its window: on when a
 * second goes over the limit, off when its summary is taken. The agent's is
 * the shim's thread-start hook (JvmHook), which, while on, queues first
 * sightings for the drainer instead of calling Java on each new thread.
 */
public interface FirstSightDeferral {
    void deferFirstSights(boolean on);
}
