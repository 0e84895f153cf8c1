package dev.rseqagent.tooling.log;

import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the ownership reports add up to, for JMX and the exit summary: the
 * owner/mode of every live thread the agent has seen, transitions, and
 * threads seen in all. Fed by {@link OwnershipLog} with every report,
 * printed or summarised.
 */
public final class OwnershipStats {
    /** owner ordinal * 16 + mode ordinal: a small Integer, cached by the JDK, so a thread start allocates no key text. */
    private final Map<Long, Integer> ownerModeByTid = new ConcurrentHashMap<>();
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong threadsSeen = new AtomicLong();

    void onReport(long tid, Owner from, Owner to, Mode mode, boolean exited) {
        if (from == Owner.NEW) {
            threadsSeen.incrementAndGet();
        }
        if (exited) {
            ownerModeByTid.remove(tid);
        } else {
            ownerModeByTid.put(tid, to.ordinal() * 16 + mode.ordinal());
        }
    }

    void onTransition() {
        transitions.incrementAndGet();
    }

    /** Live threads by "OWNER/mode", sorted by key. */
    public Map<String, Long> threadsByOwnerMode() {
        Map<String, Long> counts = new TreeMap<>();
        for (int ownerMode : ownerModeByTid.values()) {
            String key = Owner.values()[ownerMode / 16].name() + "/" + Mode.values()[ownerMode % 16].label();
            counts.merge(key, 1L, Long::sum);
        }
        return counts;
    }

    /** Changes of owner or mode of a thread already seen (first sightings and exits not counted). */
    public long transitions() {
        return transitions.get();
    }

    public long threadsSeen() {
        return threadsSeen.get();
    }
}
