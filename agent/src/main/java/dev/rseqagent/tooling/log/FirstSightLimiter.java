package dev.rseqagent.tooling.log;

import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a first-sight line is printed. Up to {@code perSecond}
 * first sightings a second are printed one by one; past that they are counted
 * per owner/mode and summarised once the second is over. Transitions between
 * owners never pass through here: they are always printed. Counting is an
 * array increment (no key built, no map): it runs on every thread start past
 * the limit.
 */
final class FirstSightLimiter {
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final int perSecond;
    private long windowStart;
    private int inWindow;
    /** Suppressed sightings, indexed by {@link OwnerModes#of}. */
    private final int[] suppressed = new int[OwnerModes.COUNT];
    private int suppressedTotal;
    /** This window went over the limit: sightings are being summarised. */
    private boolean over;
    private FirstSightDeferral deferral;

    FirstSightLimiter(int perSecond, long nowNanos) {
        this.perSecond = perSecond;
        this.windowStart = nowNanos;
    }

    /** True: print this first sighting. False: it was counted under owner/mode. */
    synchronized boolean admit(Owner owner, Mode mode, long nowNanos) {
        if (nowNanos - windowStart >= WINDOW_NANOS && suppressedTotal == 0) {
            windowStart = nowNanos;
            inWindow = 0;
        }
        if (inWindow < perSecond) {
            inWindow++;
            return true;
        }
        countSummarised(owner, mode);
        if (!over) {
            over = true;
            switchDeferral(true);
        }
        return false;
    }

    /** Counts a first sighting under owner/mode for the summary (also those the shim queued while over the limit). */
    synchronized void countSummarised(Owner owner, Mode mode) {
        suppressed[OwnerModes.of(owner, mode)]++;
        suppressedTotal++;
    }

    /** From now on, d (null: none) is switched with the window; switched on at once if over the limit. */
    synchronized void deferWith(FirstSightDeferral d) {
        switchDeferral(false);
        deferral = d;
        switchDeferral(over);
    }

    private void switchDeferral(boolean on) {
        if (deferral != null) {
            deferral.deferFirstSights(on);
        }
    }

    /** Once the window is over: the counts suppressed in it ("GLIBC/rseq" -> n), then a new window. Else null. */
    synchronized Map<String, Integer> takeSummaryIfDue(long nowNanos) {
        return nowNanos - windowStart < WINDOW_NANOS ? null : takeSummary(nowNanos);
    }

    /** The counts suppressed so far, window over or not (at shutdown), then a new window. Null if none. */
    synchronized Map<String, Integer> takeSummary(long nowNanos) {
        if (suppressedTotal == 0) {
            return null;
        }
        Map<String, Integer> summary = new TreeMap<>();
        for (int i = 0; i < suppressed.length; i++) {
            if (suppressed[i] != 0) {
                summary.put(OwnerModes.key(i), suppressed[i]);
                suppressed[i] = 0;
            }
        }
        suppressedTotal = 0;
        windowStart = nowNanos;
        inWindow = 0;
        if (over) {
            over = false;
            switchDeferral(false);
        }
        return summary;
    }
}
