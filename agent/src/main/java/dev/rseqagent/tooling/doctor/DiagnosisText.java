package dev.rseqagent.tooling.doctor;

import dev.rseqagent.tooling.shim.Errno;

/** The doctor's report for people. */
final class DiagnosisText {
    private DiagnosisText() {
    }

    static String render(Diagnosis d, long elapsedMs) {
        StringBuilder sb = new StringBuilder();
        sb.append("rseq-agent doctor: ").append(d.rseqPossible() ? "rseq mode is possible here" : "rseq mode is NOT possible here (fallback everywhere)").append('\n');
        line(sb, "kernel", d.kernelRelease + ", rseq " + (d.kernelErrno == 0 ? "available" : "unavailable: " + Errno.name(d.kernelErrno)));
        line(sb, "rseq area", "feature size " + d.featureSize + ", alignment " + d.alignment + ", mm_cid " + (d.mmCid ? "yes" : "no"));
        line(sb, "glibc", d.glibcVersion + (d.glibcSymbols ? ", exports __rseq_*" : ", no __rseq_* symbols")
                + (d.glibcRegisters ? ", registers rseq on every thread" : ", does not register rseq")
                + (d.tunable != null ? " (GLIBC_TUNABLES glibc.pthread.rseq=" + d.tunable + ")" : ""));
        line(sb, "this thread", d.mainOwner + "/" + d.mainMode.label());
        line(sb, "__rseq_abi in", d.foreignOwners.isEmpty() ? "no loaded library" : String.join(", ", d.foreignOwners));
        if (d.kernelErrno == 0) {
            line(sb, "cache draining", d.reclaimErrno == 0 ? "idle per-CPU caches drained every second (membarrier RSEQ)"
                    : "none: membarrier RSEQ fails with " + Errno.name(d.reclaimErrno));
        }
        line(sb, "allocator arena", d.arenaBoundBy == null ? Diagnosis.size(d.arenaBytes) + " of address space"
                : d.arenaBytes == 0 ? "none: " + d.arenaBoundBy + " leaves too little"
                : Diagnosis.size(d.arenaBytes) + ", an eighth of what " + d.arenaBoundBy + " leaves");
        line(sb, "the agent would", d.perThread);
        for (String advice : d.advice) {
            sb.append("advice: ").append(advice).append('\n');
        }
        sb.append("(examined in ").append(elapsedMs).append(" ms)\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String what, String value) {
        sb.append(String.format("  %-16s %s%n", what + ":", value));
    }
}
