package dev.rseqagent.tooling.log;

/** Told of every report that the ownership log prints (first sightings, transitions, exits). */
public interface TransitionListener {
    void onLine(long[] report, String threadName, String at);
}
