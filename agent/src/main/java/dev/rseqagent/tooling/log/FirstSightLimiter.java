package dev.rseqagent.tooling.log;

import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a first-sight line is printed. Up to {@code perSecond}
 * first sightings a second are printed one by one; past that they are counted
 * per owner/mode and summarised once the second is over. Transitions between
 * owners never pass through here: they are always printed.
 */
final class FirstSightLimiter {
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final int perSecond;
    private long windowStart;
    private int inWindow;
    private final Map<String, Integer> suppressed = new TreeMap<>();

    FirstSightLimiter(int perSecond, long nowNanos) {
        this.perSecond = perSecond;
        this.windowStart = nowNanos;
    }

    /** True: print this first sighting. False: it was counted under {@code ownerMode}. */
    synchronized boolean admit(String ownerMode, long nowNanos) {
        if (nowNanos - windowStart >= WINDOW_NANOS && suppressed.isEmpty()) {
            windowStart = nowNanos;
            inWindow = 0;
        }
        if (inWindow < perSecond) {
            inWindow++;
            return true;
        }
        Integer count = suppressed.get(ownerMode);
        suppressed.put(ownerMode, count == null ? 1 : count + 1);
        return false;
    }

    /** Once the window is over: the counts suppressed in it ("GLIBC/rseq" -> n), then a new window. Else null. */
    synchronized Map<String, Integer> takeSummaryIfDue(long nowNanos) {
        return nowNanos - windowStart < WINDOW_NANOS ? null : takeSummary(nowNanos);
    }

    /** The counts suppressed so far, window over or not (at shutdown), then a new window. Null if none. */
    synchronized Map<String, Integer> takeSummary(long nowNanos) {
        if (suppressed.isEmpty()) {
            return null;
        }
        Map<String, Integer> summary = new TreeMap<>(suppressed);
        suppressed.clear();
        windowStart = nowNanos;
        inWindow = 0;
        return summary;
    }
}
