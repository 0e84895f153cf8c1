package dev.rseqagent.tooling.doctor;

import com.sun.jna.NativeLibrary;
import dev.rseqagent.CpuIndexSource;
import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.shim.ControlPlane;
import dev.rseqagent.tooling.shim.Errno;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What the doctor found in this process, what the agent would do, and advice in plain words. */
final class Diagnosis {
    /** Facts, as read. */
    final String kernelRelease;
    final int kernelErrno;
    final long featureSize;
    final long alignment;
    final boolean mmCid;
    final String glibcVersion;
    final boolean glibcSymbols;
    final boolean glibcRegisters;
    final String tunable;
    final Owner mainOwner;
    final Mode mainMode;
    final List<String> foreignOwners;
    /** 0 if idle per-CPU caches can be drained (membarrier's RSEQ command), else its errno. */
    final int reclaimErrno;
    /** Address space the allocator's arena would get (0: none), and the limit that bounds it, or null. */
    final long arenaBytes;
    final String arenaBoundBy;
    /** Conclusions. */
    final String perThread;
    final List<String> advice;

    private Diagnosis(ControlPlane plane, String glibcTunables) {
        long[] info = plane.processInfo();
        long[] main = plane.probe(0); // looks only: never leaves a registration behind
        kernelRelease = System.getProperty("os.version"); // uname(2)'s release: no /proc needed
        kernelErrno = (int) info[Report.P_KERNEL_ERRNO];
        featureSize = info[Report.P_FEATURE_SIZE];
        alignment = info[Report.P_ALIGN];
        mmCid = CpuIndexSource.ofCode(info[Report.P_CPU_SOURCE]) == CpuIndexSource.MM_CID;
        glibcVersion = glibcVersion();
        glibcSymbols = info[Report.P_GLIBC_SYMBOLS] != 0;
        glibcRegisters = info[Report.P_GLIBC_SIZE] > 0;
        tunable = rseqTunable(glibcTunables);
        mainOwner = Owner.ofCode(main[Report.R_OWNER]);
        mainMode = Mode.ofCode(main[Report.R_MODE]);
        foreignOwners = Collections.unmodifiableList(plane.foreignOwners());
        reclaimErrno = kernelErrno == 0 ? plane.reclaimErrno() : 0; // no rseq: no per-CPU caches to drain
        int[] boundBy = new int[1];
        arenaBytes = plane.arenaBudget(boundBy);
        arenaBoundBy = ARENA_BOUNDS[Math.max(0, Math.min(boundBy[0], ARENA_BOUNDS.length - 1))];
        perThread = perThread();
        advice = Collections.unmodifiableList(advice());
    }

    /** By RSEQAGENT_ARENA_* code: the limits that count reserved memory. */
    private static final String[] ARENA_BOUNDS = {null, "ulimit -v", "ulimit -d", "strict overcommit"};

    static Diagnosis examine(ControlPlane plane, String glibcTunables) {
        return new Diagnosis(plane, glibcTunables);
    }

    /** rseq mode is possible: the kernel has rseq and the main thread's owner lets the agent use it. */
    boolean rseqPossible() {
        return kernelErrno == 0 && (mainMode == Mode.RSEQ || mainOwner == Owner.NONE);
    }

    private String perThread() {
        if (kernelErrno != 0) {
            return "every thread: UNAVAILABLE/fallback (the rseq system call fails with " + Errno.name(kernelErrno)
                    + "); the allocator uses its locked central lists";
        }
        switch (mainOwner) {
            case GLIBC:
                return "every thread glibc starts: GLIBC/rseq; the agent runs its critical sections on glibc's area"
                        + " and registers nothing";
            case NONE:
                return "threads start NONE/none; the agent registers its own area (SHIM/rseq) on a thread when it"
                        + " first needs rseq there, and unregisters it at thread exit";
            case FOREIGN:
                return "this thread: FOREIGN/" + mainMode.label() + " (a library registered its own area); threads"
                        + " nobody owns get the agent's own area when they need it";
            default:
                return "this thread: " + mainOwner + "/" + mainMode.label() + "; the agent uses the fallback where it"
                        + " cannot name the owner";
        }
    }

    private List<String> advice() {
        List<String> out = new ArrayList<>();
        if (kernelErrno == 38) {
            out.add("rseq is missing (ENOSYS): the kernel is older than 4.18, or a seccomp filter answers ENOSYS."
                    + " Per-CPU caches need rseq; everything still works through the fallback.");
        } else if (kernelErrno == 1) {
            out.add("rseq is blocked (EPERM), usually by a seccomp filter (container runtime, systemd"
                    + " SystemCallFilter=). Allow the rseq system call to get per-CPU caches.");
        } else if (kernelErrno != 0) {
            out.add("rseq fails with " + Errno.name(kernelErrno) + "; the agent uses the fallback.");
        }
        if (glibcRegisters) {
            out.add("glibc " + glibcVersion + " registers rseq on every thread, so a library that wants its own rseq"
                    + " area (tcmalloc's per-CPU mode, librseq users) is refused and runs without rseq."
                    + " To give such a library the threads, start the JVM with GLIBC_TUNABLES=glibc.pthread.rseq=0"
                    + " (the agent then registers its own area only on threads it needs).");
        } else if (kernelErrno == 0 && !glibcSymbols) {
            out.add("glibc " + glibcVersion + " does not register rseq (before 2.35): the agent registers its own"
                    + " area on threads that need it.");
        } else if (kernelErrno == 0 && "0".equals(tunable)) {
            out.add("GLIBC_TUNABLES=glibc.pthread.rseq=0 is in effect: glibc leaves rseq to others; the agent"
                    + " registers its own area on threads that need it.");
        }
        if (kernelErrno == 0 && !mmCid) {
            out.add("The kernel has no rseq mm_cid (feature size " + featureSize + " < 28, before Linux 6.3):"
                    + " per-CPU caches are indexed by CPU number, one per possible CPU.");
        }
        if (reclaimErrno == 1) {
            out.add("membarrier is blocked (EPERM), usually by a seccomp filter: idle per-CPU caches keep what they"
                    + " hold until their CPU allocates again. Allow the membarrier system call to have them drained.");
        } else if (reclaimErrno != 0) {
            out.add("membarrier's RSEQ command fails with " + Errno.name(reclaimErrno) + " (a kernel before 5.10):"
                    + " idle per-CPU caches keep what they hold until their CPU allocates again.");
        }
        if (arenaBoundBy != null) {
            out.add(arenaBytes == 0
                    ? arenaBoundBy + " leaves too little address space for the allocator's arena: with packages= given,"
                            + " rewriting would stay off (one ERROR line). Raise the limit."
                    : arenaBoundBy + " counts reserved memory, so the allocator's arena gets " + size(arenaBytes)
                            + " (an eighth of what is left), not 64 GiB: rewritten allocations past it are served by"
                            + " the JDK's allocator, without per-CPU caches.");
        }
        if (!foreignOwners.isEmpty()) {
            out.add("Loaded libraries define __rseq_abi and may register rseq themselves: "
                    + String.join(", ", foreignOwners) + ". The agent shares a standard-signature area that offers"
                    + " __rseq_refcount and uses the fallback on others.");
        }
        return out;
    }

    /** A power of two of at least 16 MiB, as the arena's sizes are. */
    static String size(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }

    private static String glibcVersion() {
        try {
            return NativeLibrary.getInstance("c").getFunction("gnu_get_libc_version").invokeString(new Object[0], false);
        } catch (Throwable t) {
            return "unknown (not glibc?)";
        }
    }

    /** The value of glibc.pthread.rseq in GLIBC_TUNABLES, or null when it is not set. */
    static String rseqTunable(String glibcTunables) {
        if (glibcTunables == null) {
            return null;
        }
        String value = null;
        for (String item : glibcTunables.split(":")) {
            if (item.startsWith("glibc.pthread.rseq=")) {
                value = item.substring("glibc.pthread.rseq=".length()); // the last one wins, as in glibc
            }
        }
        return value;
    }
}
