package dev.rseqagent.tooling.log;

import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live threads the agent has seen, one entry per kernel tid: its name
 * (for reports made after its Java side is gone) and its owner/mode (for JMX
 * and the exit summary); plus transitions and threads seen in all. Fed by
 * {@link OwnershipLog} with every report, printed or summarised. Bounded:
 * past {@value #MAX_THREADS} live threads, new ones are counted but not
 * remembered (their exits print tid-n, and they are missing by owner/mode).
 */
public final class OwnershipStats {
    static final int MAX_THREADS = 1 << 16;

    /** name, and {@link OwnerModes#of} (-1: none yet); one object per thread, written by the reports about it. */
    private static final class SeenThread {
        final String name;
        volatile int ownerMode = -1;

        SeenThread(String name) {
            this.name = name;
        }
    }

    private final Map<Long, SeenThread> threads = new ConcurrentHashMap<>();
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong threadsSeen = new AtomicLong();

    /** A probe on the thread itself: its current name. */
    void remember(long tid, String name) {
        SeenThread seen = threads.get(tid);
        if (seen == null ? threads.size() < MAX_THREADS : !seen.name.equals(name)) {
            SeenThread renamed = new SeenThread(name);
            if (seen != null) {
                renamed.ownerMode = seen.ownerMode;
            }
            threads.put(tid, renamed);
        }
    }

    /** The thread's name when last probed, or tid-n. */
    String nameOf(long tid) {
        SeenThread seen = threads.get(tid);
        return seen != null ? seen.name : "tid-" + tid;
    }

    void onReport(long tid, Owner from, Owner to, Mode mode, boolean exited) {
        if (from == Owner.NEW) {
            threadsSeen.incrementAndGet();
        }
        if (exited) {
            threads.remove(tid);
            return;
        }
        SeenThread seen = threads.get(tid);
        if (seen != null) {
            seen.ownerMode = OwnerModes.of(to, mode);
        }
    }

    void onTransition() {
        transitions.incrementAndGet();
    }

    /** Live threads by "OWNER/mode", sorted by key. */
    public Map<String, Long> threadsByOwnerMode() {
        Map<String, Long> counts = new TreeMap<>();
        for (SeenThread seen : threads.values()) {
            int ownerMode = seen.ownerMode;
            if (ownerMode >= 0) {
                // get/put, not merge(Long::sum): a method reference costs the exit summary ~3 ms of lambda set-up
                String key = OwnerModes.key(ownerMode);
                Long count = counts.get(key);
                counts.put(key, count == null ? 1L : count + 1);
            }
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
