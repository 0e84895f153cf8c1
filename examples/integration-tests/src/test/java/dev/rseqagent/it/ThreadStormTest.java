package dev.rseqagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rseqagent.it.apps.ThreadStormApp;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * More than 100 threads a second: first sightings are summarised, transitions
 * are not, nothing is lost, and the summarised threads run none of the agent's
 * Java code (their sightings are queued for the drainer).
 */
class ThreadStormTest {
    private static final int THREADS = 600;
    private static final Pattern SUMMARY = Pattern.compile("rseq\\.owner\\.summary first_sightings=(\\d+)");
    /**
     * Of the storm threads not printed, at least this share must have run none of the agent's Java code. The
     * rest were refused on themselves: the one that trips the switch and those already past the shim's check
     * (threads start concurrently; on a loaded machine, a handful to a few dozen). Without the switch: 0.
     */
    private static final double DEFERRED_SHARE = 0.9;

    @ParameterizedTest
    @MethodSource("dev.rseqagent.it.Jdk#all")
    void firstSightingsAreSummarisedAndCountedTransitionsAreNot(Jdk jdk) throws Exception {
        JvmRun.Result r = JvmRun.on(jdk).glibcRseqOff().run(ThreadStormApp.class, String.valueOf(THREADS));
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdoutLines().contains("STATE main SHIM"), r.describe());
        long printed = r.ownerLines().stream()
                .filter(l -> "NEW".equals(l.get("from")) && l.thread().startsWith("storm-")).count();
        int summarised = 0;
        Matcher m = SUMMARY.matcher(r.stderr);
        while (m.find()) {
            summarised += Integer.parseInt(m.group(1));
        }
        assertTrue(summarised > 0, "a storm this size is summarised\n" + r.describe());
        long printedAll = r.ownerLines().stream().filter(l -> "NEW".equals(l.get("from"))).count();
        assertTrue(printedAll >= 100, "the first 100 a second are printed one by one\n" + r.describe());
        assertTrue(printed + summarised >= THREADS, "every storm thread is printed or counted: printed "
                + printed + ", summarised " + summarised);
        long allocatedNothing = r.stdoutLines().stream().filter(l -> l.startsWith("ALLOCATED_NOTHING "))
                .mapToLong(l -> Long.parseLong(l.substring("ALLOCATED_NOTHING ".length()))).findFirst().orElse(-1);
        assertTrue(allocatedNothing >= DEFERRED_SHARE * (THREADS - printed),
                "threads whose line was summarised allocated nothing by their first statement: " + allocatedNothing
                        + " of " + THREADS + ", printed " + printed + "\n" + r.describe());
        assertEquals("NONE->SHIM/rseq", r.ownerLines().stream()
                .filter(l -> "main".equals(l.thread()) && "api".equals(l.get("at"))).findFirst().get().transition(),
                "the transition is printed\n" + r.describe());
    }
}
