package dev.rseqagent.tooling.log;

import static dev.rseqagent.Mode.FALLBACK;
import static dev.rseqagent.Mode.RSEQ;
import static dev.rseqagent.Owner.GLIBC;
import static dev.rseqagent.Owner.NONE;
import static dev.rseqagent.Owner.SHIM;
import static dev.rseqagent.Owner.UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FirstSightLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 5_000 * SECOND;

    @Test
    void admitsUpToTheLimitWithinOneWindow() {
        FirstSightLimiter limiter = new FirstSightLimiter(3, T0);

        assertTrue(limiter.admit(GLIBC, RSEQ, T0));
        assertTrue(limiter.admit(GLIBC, RSEQ, T0 + 1));
        assertTrue(limiter.admit(SHIM, RSEQ, T0 + 2));
        assertFalse(limiter.admit(GLIBC, RSEQ, T0 + 3));
        assertFalse(limiter.admit(SHIM, RSEQ, SECOND - 1 + T0));
    }

    @Test
    void zeroLimitSuppressesEverything() {
        FirstSightLimiter limiter = new FirstSightLimiter(0, T0);

        assertFalse(limiter.admit(NONE, Mode.NONE, T0));
        assertEquals(Map.of("NONE/none", 1), limiter.takeSummaryIfDue(T0 + SECOND));
    }

    @Test
    void suppressedSightingsAreCountedPerKeyAndSummarisedSorted() {
        FirstSightLimiter limiter = new FirstSightLimiter(1, T0);
        limiter.admit(SHIM, RSEQ, T0);
        for (int i = 0; i < 4; i++) {
            limiter.admit(SHIM, RSEQ, T0 + i);
        }
        limiter.admit(GLIBC, RSEQ, T0 + 10);
        limiter.admit(UNAVAILABLE, FALLBACK, T0 + 11);
        limiter.admit(GLIBC, RSEQ, T0 + 12);

        Map<String, Integer> summary = limiter.takeSummaryIfDue(T0 + SECOND);

        assertEquals(Map.of("SHIM/rseq", 4, "GLIBC/rseq", 2, "UNAVAILABLE/fallback", 1), summary);
        assertEquals(List.of("GLIBC/rseq", "SHIM/rseq", "UNAVAILABLE/fallback"), List.copyOf(summary.keySet()));
    }

    @Test
    void noSummaryBeforeTheWindowEnds() {
        FirstSightLimiter limiter = new FirstSightLimiter(1, T0);
        limiter.admit(GLIBC, RSEQ, T0);
        limiter.admit(GLIBC, RSEQ, T0 + 1);

        assertNull(limiter.takeSummaryIfDue(T0 + SECOND - 1));
        assertEquals(Map.of("GLIBC/rseq", 1), limiter.takeSummaryIfDue(T0 + SECOND));
    }

    @Test
    void noSummaryWhenNothingWasSuppressed() {
        FirstSightLimiter limiter = new FirstSightLimiter(2, T0);
        limiter.admit(GLIBC, RSEQ, T0);
        limiter.admit(GLIBC, RSEQ, T0 + 1);

        assertNull(limiter.takeSummaryIfDue(T0 + 5 * SECOND));
    }

    @Test
    void summaryIsTakenOnlyOnce() {
        FirstSightLimiter limiter = new FirstSightLimiter(1, T0);
        limiter.admit(GLIBC, RSEQ, T0);
        limiter.admit(GLIBC, RSEQ, T0);

        assertEquals(Map.of("GLIBC/rseq", 1), limiter.takeSummaryIfDue(T0 + SECOND));
        assertNull(limiter.takeSummaryIfDue(T0 + 3 * SECOND));
    }

    @Test
    void summaryStartsAFreshWindow() {
        FirstSightLimiter limiter = new FirstSightLimiter(2, T0);
        limiter.admit(GLIBC, RSEQ, T0);
        limiter.admit(GLIBC, RSEQ, T0);
        limiter.admit(GLIBC, RSEQ, T0);
        long summaryAt = T0 + SECOND + 500;
        limiter.takeSummaryIfDue(summaryAt);

        assertTrue(limiter.admit(GLIBC, RSEQ, summaryAt + 1));
        assertTrue(limiter.admit(GLIBC, RSEQ, summaryAt + 2));
        assertFalse(limiter.admit(SHIM, RSEQ, summaryAt + 3));
        assertNull(limiter.takeSummaryIfDue(summaryAt + SECOND - 1), "the new window runs from the summary");
        assertEquals(Map.of("SHIM/rseq", 1), limiter.takeSummaryIfDue(summaryAt + SECOND));
    }

    @Test
    void quietWindowEndingStartsANewWindowWithoutASummary() {
        FirstSightLimiter limiter = new FirstSightLimiter(2, T0);
        assertTrue(limiter.admit(GLIBC, RSEQ, T0));
        assertTrue(limiter.admit(GLIBC, RSEQ, T0 + 1));

        assertTrue(limiter.admit(GLIBC, RSEQ, T0 + SECOND));
        assertTrue(limiter.admit(GLIBC, RSEQ, T0 + SECOND + 1));
        assertFalse(limiter.admit(GLIBC, RSEQ, T0 + SECOND + 2));
    }

    @Test
    void pendingCountsKeepSuppressingUntilTheSummaryIsTaken() {
        FirstSightLimiter limiter = new FirstSightLimiter(1, T0);
        limiter.admit(GLIBC, RSEQ, T0);
        assertFalse(limiter.admit(GLIBC, RSEQ, T0 + 1));

        assertFalse(limiter.admit(SHIM, RSEQ, T0 + 3 * SECOND), "counted into the pending summary, not printed");
        assertEquals(Map.of("GLIBC/rseq", 1, "SHIM/rseq", 1), limiter.takeSummaryIfDue(T0 + 3 * SECOND));
        assertTrue(limiter.admit(SHIM, RSEQ, T0 + 3 * SECOND + 1));
    }

    @Test
    void deferralIsOnFromTheFirstRefusalUntilTheSummaryIsTaken() {
        FirstSightLimiter limiter = new FirstSightLimiter(1, T0);
        List<Boolean> switched = new ArrayList<>();
        limiter.deferWith(switched::add);
        switched.clear();

        limiter.admit(GLIBC, RSEQ, T0);
        assertEquals(List.of(), switched, "under the limit: off");
        assertFalse(limiter.admit(GLIBC, RSEQ, T0 + 1));
        assertFalse(limiter.admit(GLIBC, RSEQ, T0 + 2));
        assertEquals(List.of(true), switched, "switched on once, at the first refusal");

        limiter.countSummarised(SHIM, RSEQ); // as the drainer does for a deferred sighting
        assertNull(limiter.takeSummaryIfDue(T0 + SECOND - 1));
        assertEquals(List.of(true), switched, "on until the window's summary");
        assertEquals(Map.of("GLIBC/rseq", 2, "SHIM/rseq", 1), limiter.takeSummaryIfDue(T0 + SECOND));
        assertEquals(List.of(true, false), switched);
    }

    @Test
    void aDeferralSetWhileOverTheLimitIsSwitchedOnAtOnceAndTheOldOneOff() {
        FirstSightLimiter limiter = new FirstSightLimiter(0, T0);
        List<String> switched = new ArrayList<>();
        limiter.deferWith(on -> switched.add("a" + on));
        assertFalse(limiter.admit(GLIBC, RSEQ, T0));

        limiter.deferWith(on -> switched.add("b" + on));
        limiter.deferWith(null);

        assertEquals(List.of("afalse", "atrue", "afalse", "btrue", "bfalse"), switched);
        assertEquals(Map.of("GLIBC/rseq", 1), limiter.takeSummary(T0 + 1), "no deferral: the window still works");
    }
}
