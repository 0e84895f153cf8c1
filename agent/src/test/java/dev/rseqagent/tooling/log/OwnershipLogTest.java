package dev.rseqagent.tooling.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rseqagent.CpuIndexSource;
import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import dev.rseqagent.bootstrap.Report;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OwnershipLogTest {

    private ListAppender<ILoggingEvent> appender;
    private OwnershipLog log;

    @BeforeEach
    void setUp() {
        Logger logger = Events.context().getLogger("rseq-agent-test");
        logger.setLevel(Level.INFO);
        appender = new ListAppender<>();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        log = new OwnershipLog(logger);
    }

    private static long[] report(long tid, Owner from, Mode fromMode, Owner to, Mode mode) {
        long[] r = new long[Report.REPORT_FIELDS];
        r[Report.R_KIND] = Report.KIND_PROBE;
        r[Report.R_TID] = tid;
        r[Report.R_FROM_OWNER] = from.ordinal();
        r[Report.R_FROM_MODE] = fromMode.ordinal();
        r[Report.R_OWNER] = to.ordinal();
        r[Report.R_MODE] = mode.ordinal();
        return r;
    }

    private static long[] firstSight(long tid, Owner to, Mode mode) {
        return report(tid, Owner.NEW, Mode.NONE, to, mode);
    }

    private static long[] exit(long tid, Owner from, Mode fromMode) {
        long[] r = report(tid, from, fromMode, Owner.NONE, Mode.NONE);
        r[Report.R_KIND] = Report.KIND_THREAD_EXIT;
        return r;
    }

    private List<ILoggingEvent> events() {
        return appender.list;
    }

    private ILoggingEvent only() {
        assertEquals(1, events().size(), () -> "events: " + events());
        return events().get(0);
    }

    /** The line's fields as the layouts see them (numbers as Long). */
    private static Map<String, Object> pairs(ILoggingEvent event) {
        Map<String, Object> map = new LinkedHashMap<>();
        LineFields.writeAll(event, new LineFields.Sink() {
            @Override
            public void field(String key, String value) {
                map.put(key, value);
            }

            @Override
            public void field(String key, long value) {
                map.put(key, value);
            }
        });
        return map;
    }

    @Test
    void allocatorAcquireIsLoggedUnderTheThreadsName() {
        log.onProbe(firstSight(303, Owner.NONE, Mode.NONE), "worker-3", "thread-start");
        long[] r = report(303, Owner.NONE, Mode.NONE, Owner.SHIM, Mode.RSEQ);
        r[Report.R_KIND] = Report.KIND_ALLOCATOR;
        log.onAllocatorAcquire(r);
        assertEquals(2, events().size(), () -> "events: " + events());
        Map<String, Object> p = pairs(events().get(1));
        assertEquals("worker-3", p.get("thread"));
        assertEquals("NONE", p.get("from"));
        assertEquals("SHIM", p.get("to"));
        assertEquals("allocator", p.get("at"));
        log.onThreadExit(exit(303, Owner.SHIM, Mode.RSEQ));
        assertEquals("worker-3", pairs(events().get(2)).get("thread"), "the name outlives the allocator event");
    }

    @Test
    void statsCountLiveThreadsByOwnerModeAndTransitions() {
        log.onProbe(firstSight(1, Owner.GLIBC, Mode.RSEQ), "a", "thread-start");
        log.onProbe(firstSight(2, Owner.NONE, Mode.NONE), "b", "thread-start");
        log.onProbe(report(2, Owner.NONE, Mode.NONE, Owner.SHIM, Mode.RSEQ), "b", "api");
        log.onProbe(report(2, Owner.SHIM, Mode.RSEQ, Owner.SHIM, Mode.RSEQ), "b", "api"); // no change
        assertEquals(Map.of("GLIBC/rseq", 1L, "SHIM/rseq", 1L), log.stats().threadsByOwnerMode());
        assertEquals(1, log.stats().transitions());
        assertEquals(2, log.stats().threadsSeen());
        log.onThreadExit(exit(2, Owner.SHIM, Mode.RSEQ));
        assertEquals(Map.of("GLIBC/rseq", 1L), log.stats().threadsByOwnerMode(), "an exited thread is gone");
        assertEquals(1, log.stats().transitions(), "an exit is not a transition");
    }

    @Test
    void theListenerHearsEveryPrintedLine() {
        List<String> heard = new java.util.ArrayList<>();
        log.setListener((r, thread, at) -> heard.add(thread + "@" + at));
        log.onProbe(firstSight(7, Owner.GLIBC, Mode.RSEQ), "x", "thread-start");
        log.onProbe(firstSight(7, Owner.GLIBC, Mode.RSEQ), "x", "api"); // a first sight again (NEW): printed
        log.onProbe(report(7, Owner.GLIBC, Mode.RSEQ, Owner.GLIBC, Mode.RSEQ), "x", "api"); // nothing new
        assertEquals(List.of("x@thread-start", "x@api"), heard);
    }

    @Test
    void firstSightIsLoggedFromNew() {
        long[] r = firstSight(101, Owner.GLIBC, Mode.RSEQ);
        r[Report.R_AREA] = 0x7f00_1234_5000L;
        r[Report.R_LEN] = 32;
        r[Report.R_SIG] = Report.SIG_MATCH;
        r[Report.R_CPU_SOURCE] = CpuIndexSource.MM_CID.ordinal();

        log.onProbe(r, "main", "premain");

        ILoggingEvent event = only();
        assertEquals(Level.INFO, event.getLevel());
        assertEquals("rseq.owner", event.getFormattedMessage());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("thread", "main");
        expected.put("tid", 101L);
        expected.put("from", "NEW");
        expected.put("to", "GLIBC");
        expected.put("mode", "rseq");
        expected.put("area", "0x7f0012345000");
        expected.put("len", 32L);
        expected.put("sig", "match");
        expected.put("cpu", "mm_cid");
        expected.put("at", "premain");
        assertEquals(expected, pairs(event));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(pairs(event).keySet()));
    }

    @Test
    void keyOrderStartsWithThreadTidFromToMode() {
        long[] r = report(7, Owner.NONE, Mode.NONE, Owner.UNAVAILABLE, Mode.FALLBACK);
        r[Report.R_ERRNO] = 38;
        r[Report.R_HELD] = 1;
        r[Report.R_AREA] = 0x1000;
        r[Report.R_SIG] = Report.SIG_OTHER;

        log.onProbe(r, "worker", "api");

        List<String> keys = List.copyOf(pairs(only()).keySet());
        assertEquals(List.of("thread", "tid", "from", "to", "mode"), keys.subList(0, 5));
        assertEquals("at", keys.get(keys.size() - 1));
    }

    @Test
    void optionalFieldsAppearOnlyWhenSet() {
        long[] r = report(7, Owner.NONE, Mode.NONE, Owner.UNAVAILABLE, Mode.FALLBACK);
        r[Report.R_ERRNO] = 38;
        r[Report.R_HELD] = 1;

        log.onProbe(r, "worker", "api");

        Map<String, Object> pairs = pairs(only());
        assertEquals(List.of("thread", "tid", "from", "to", "mode", "refcount", "errno", "at"),
                List.copyOf(pairs.keySet()), "no area/len/sig without an area, no cpu outside rseq mode");
        assertEquals("NONE", pairs.get("from"));
        assertEquals("UNAVAILABLE", pairs.get("to"));
        assertEquals("fallback", pairs.get("mode"));
        assertEquals("held", pairs.get("refcount"));
        assertEquals("ENOSYS", pairs.get("errno"));
    }

    @Test
    void signatureCodesAreNamed() {
        long[] unchecked = firstSight(1, Owner.FOREIGN, Mode.FALLBACK);
        unchecked[Report.R_AREA] = 0x10;
        unchecked[Report.R_SIG] = Report.SIG_NOT_CHECKED;
        long[] other = firstSight(2, Owner.UNKNOWN, Mode.FALLBACK);
        other[Report.R_AREA] = 0x20;
        other[Report.R_SIG] = Report.SIG_OTHER;

        log.onProbe(unchecked, "a", "api");
        log.onProbe(other, "b", "api");

        assertEquals("unchecked", pairs(events().get(0)).get("sig"));
        assertEquals("other", pairs(events().get(1)).get("sig"));
    }

    @Test
    void noLineWhenOwnerAndModeAreUnchanged() {
        log.onProbe(firstSight(5, Owner.GLIBC, Mode.RSEQ), "t", "thread-start");
        log.onProbe(report(5, Owner.GLIBC, Mode.RSEQ, Owner.GLIBC, Mode.RSEQ), "t", "api");
        log.onProbe(report(5, Owner.GLIBC, Mode.RSEQ, Owner.GLIBC, Mode.RSEQ), "t", "api");

        assertEquals("NEW", pairs(only()).get("from"));
    }

    @Test
    void modeChangeWithTheSameOwnerIsLogged() {
        log.onProbe(report(5, Owner.FOREIGN, Mode.FALLBACK, Owner.FOREIGN, Mode.RSEQ), "t", "api");

        Map<String, Object> pairs = pairs(only());
        assertEquals("FOREIGN", pairs.get("from"));
        assertEquals("FOREIGN", pairs.get("to"));
        assertEquals("rseq", pairs.get("mode"));
    }

    @Test
    void ownerChangeIsLogged() {
        log.onProbe(report(9, Owner.NONE, Mode.NONE, Owner.SHIM, Mode.RSEQ), "t", "api");

        Map<String, Object> pairs = pairs(only());
        assertEquals("NONE", pairs.get("from"));
        assertEquals("SHIM", pairs.get("to"));
        assertEquals("rseq", pairs.get("mode"));
        assertEquals("none", pairs.get("cpu"), "cpu source code 0 in rseq mode");
    }

    @Test
    void transitionIsLoggedWhileFirstSightingsAreSuppressed() {
        int printedFirstSights = 0;
        long tid = 1;
        boolean suppressed = false;
        // Feed first sightings until one is held back; the limiter keeps holding
        // them back from then on until a summary is taken (tick), which never happens here.
        for (; tid <= 1_000_000 && !suppressed; tid++) {
            int before = events().size();
            log.onProbe(firstSight(tid, Owner.GLIBC, Mode.RSEQ), "t" + tid, "thread-start");
            if (events().size() == before) {
                suppressed = true;
            } else {
                printedFirstSights++;
            }
        }
        assertTrue(suppressed, "first sightings were never suppressed");
        assertTrue(printedFirstSights >= OwnershipLog.FIRST_SIGHTS_PER_SECOND, "printed " + printedFirstSights);
        int before = events().size();

        log.onProbe(firstSight(tid + 1, Owner.GLIBC, Mode.RSEQ), "still-suppressed", "thread-start");
        assertEquals(before, events().size(), "first sightings are still being suppressed");

        log.onProbe(report(3, Owner.GLIBC, Mode.RSEQ, Owner.SHIM, Mode.RSEQ), "t3", "api");
        assertEquals(before + 1, events().size());
        Map<String, Object> transition = pairs(events().get(before));
        assertEquals("GLIBC", transition.get("from"));
        assertEquals("SHIM", transition.get("to"));
        assertEquals("t3", transition.get("thread"));

        log.onThreadExit(exit(3, Owner.SHIM, Mode.RSEQ));
        assertEquals(before + 2, events().size());
        assertEquals("thread-exit", pairs(events().get(before + 1)).get("at"));
    }

    @Test
    void threadExitUsesTheNameFromAnEarlierProbe() {
        log.onProbe(firstSight(77, Owner.SHIM, Mode.RSEQ), "pool-1-thread-3", "thread-start");

        log.onThreadExit(exit(77, Owner.SHIM, Mode.RSEQ));

        assertEquals(2, events().size());
        Map<String, Object> pairs = pairs(events().get(1));
        assertEquals("pool-1-thread-3", pairs.get("thread"));
        assertEquals(77L, pairs.get("tid"));
        assertEquals("SHIM", pairs.get("from"));
        assertEquals("NONE", pairs.get("to"));
        assertEquals("none", pairs.get("mode"));
        assertEquals("thread-exit", pairs.get("at"));
    }

    @Test
    void threadExitOfAnUnknownTidNamesTheTid() {
        log.onProbe(firstSight(1, Owner.SHIM, Mode.RSEQ), "other", "thread-start");

        log.onThreadExit(exit(4321, Owner.SHIM, Mode.RSEQ));

        assertEquals("tid-4321", pairs(events().get(1)).get("thread"));
    }

    @Test
    void nameIsForgottenAfterTheThreadExits() {
        log.onProbe(firstSight(55, Owner.SHIM, Mode.RSEQ), "short-lived", "thread-start");
        log.onThreadExit(exit(55, Owner.SHIM, Mode.RSEQ));

        log.onThreadExit(exit(55, Owner.SHIM, Mode.RSEQ));

        assertEquals("tid-55", pairs(events().get(2)).get("thread"), "a reused tid must not inherit the old name");
    }

    @Test
    void laterProbeUpdatesTheRecordedName() {
        log.onProbe(firstSight(8, Owner.SHIM, Mode.RSEQ), "Thread-0", "thread-start");
        log.onProbe(report(8, Owner.SHIM, Mode.RSEQ, Owner.SHIM, Mode.RSEQ), "renamed", "api");

        log.onThreadExit(exit(8, Owner.SHIM, Mode.RSEQ));

        assertEquals("renamed", pairs(events().get(1)).get("thread"));
    }

    @Test
    void aThreadThatLeftTheJvmKeepsItsNameAndIsNoTransition() {
        log.onProbe(firstSight(9, Owner.NONE, Mode.NONE), "owner-worker", "thread-start");
        log.onAllocatorAcquire(allocatorAcquire(9));
        long[] left = report(9, Owner.SHIM, Mode.RSEQ, Owner.NONE, Mode.NONE);
        left[Report.R_KIND] = Report.KIND_LEFT_JVM;

        log.onLeftJvm(left);
        log.onAllocatorAcquire(allocatorAcquire(9)); // attached again

        assertEquals(4, events().size());
        Map<String, Object> pairs = pairs(events().get(2));
        assertEquals("owner-worker", pairs.get("thread"));
        assertEquals("SHIM", pairs.get("from"));
        assertEquals("NONE", pairs.get("to"));
        assertEquals("thread-end", pairs.get("at"));
        assertEquals("owner-worker", pairs(events().get(3)).get("thread"), "the thread is remembered: it may come back");
        assertEquals(2, log.stats().transitions(), "giving back as the thread leaves is not a transition");
        assertEquals(Map.of("SHIM/rseq", 1L), log.stats().threadsByOwnerMode());
    }

    @Test
    void unchangedThreadExitIsNotLogged() {
        log.onProbe(firstSight(6, Owner.GLIBC, Mode.RSEQ), "g", "thread-start");
        long[] r = report(6, Owner.GLIBC, Mode.RSEQ, Owner.GLIBC, Mode.RSEQ);
        r[Report.R_KIND] = Report.KIND_THREAD_EXIT;

        log.onThreadExit(r);

        assertEquals(1, events().size());
    }

    @Test
    void failedProbeIsAWarningNamingTheThreadAndError() {
        log.probeFailed("worker-2", new IllegalStateException("rseqagent_thread_probe failed: EINVAL"));

        ILoggingEvent event = only();
        assertEquals(Level.WARN, event.getLevel());
        assertEquals("rseq.owner.probe_failed", event.getFormattedMessage());
        assertEquals(Map.of("thread", "worker-2",
                        "error", "java.lang.IllegalStateException: rseqagent_thread_probe failed: EINVAL"),
                pairs(event));
    }

    @Test
    void tickWithNothingSuppressedLogsNothing() {
        log.onProbe(firstSight(1, Owner.GLIBC, Mode.RSEQ), "a", "api");

        log.tick();

        assertEquals(1, events().size());
    }

    /** Feeds thread-start first sightings until the limiter holds one back; returns the next free tid. */
    private long saturateFirstSightings() {
        long tid = 1_000;
        int before;
        do {
            before = events().size();
            log.onProbe(firstSight(tid, Owner.GLIBC, Mode.RSEQ), "t" + tid, "thread-start");
            tid++;
        } while (events().size() > before);
        return tid;
    }

    @Test
    void deferredThreadStartsAreSummarisedAndRemembered() {
        List<Boolean> switched = new java.util.ArrayList<>();
        log.deferThreadStartsWith(switched::add);
        long tid = saturateFirstSightings();
        assertEquals(List.of(false, true), switched, "on once the first sighting is held back");
        int printed = events().size();

        long[] deferred = firstSight(tid, Owner.NONE, Mode.NONE);
        deferred[Report.R_KIND] = Report.KIND_THREAD_START;
        log.onDeferredThreadStart(deferred, "deferred-1");
        assertEquals(printed, events().size(), "a deferred first sighting is counted, not printed");
        assertEquals(1L, log.stats().threadsByOwnerMode().get("NONE/none"));

        log.onAllocatorAcquire(allocatorAcquire(tid));
        assertEquals("deferred-1", pairs(events().get(printed)).get("thread"), "its name was remembered");

        log.flush();
        Map<String, Object> summary = pairs(events().get(printed + 1));
        assertEquals("{GLIBC/rseq=1,NONE/none=1}", summary.get("by_owner_mode"));
        assertEquals(List.of(false, true, false), switched, "off once the summary is taken");
    }

    @Test
    void withAListenerThreadStartsAreNeverDeferred() {
        List<Boolean> switched = new java.util.ArrayList<>();
        log.deferThreadStartsWith(switched::add);
        log.setListener((r, thread, at) -> { });
        saturateFirstSightings();
        assertEquals(List.of(false, false), switched, "never switched on");

        log.setListener(null);
        assertEquals(List.of(false, false, true), switched, "on at once: the window is over the limit");
    }

    private static long[] allocatorAcquire(long tid) {
        long[] r = report(tid, Owner.NONE, Mode.NONE, Owner.SHIM, Mode.RSEQ);
        r[Report.R_KIND] = Report.KIND_ALLOCATOR;
        return r;
    }
}
