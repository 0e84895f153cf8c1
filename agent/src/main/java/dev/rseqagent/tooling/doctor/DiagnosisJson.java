package dev.rseqagent.tooling.doctor;

import dev.rseqagent.tooling.json.JsonWriter;
import dev.rseqagent.tooling.shim.Errno;

/** The doctor's report for machines: one JSON object. */
final class DiagnosisJson {
    private DiagnosisJson() {
    }

    static String render(Diagnosis d, long elapsedMs) {
        return new JsonWriter()
                .field("rseq_possible", d.rseqPossible())
                .object("kernel")
                    .field("release", d.kernelRelease)
                    .field("rseq", d.kernelErrno == 0)
                    .field("errno", d.kernelErrno == 0 ? null : Errno.name(d.kernelErrno))
                    .field("feature_size", d.featureSize)
                    .field("alignment", d.alignment)
                    .field("mm_cid", d.mmCid)
                    .end()
                .object("glibc")
                    .field("version", d.glibcVersion)
                    .field("exports_rseq_symbols", d.glibcSymbols)
                    .field("registers_rseq", d.glibcRegisters)
                    .field("tunable_rseq", d.tunable)
                    .end()
                .object("this_thread")
                    .field("owner", d.mainOwner.name())
                    .field("mode", d.mainMode.label())
                    .end()
                .strings("rseq_abi_libraries", d.foreignOwners)
                .object("cache_draining")
                    .field("available", d.kernelErrno == 0 && d.reclaimErrno == 0)
                    .field("errno", d.reclaimErrno == 0 ? null : Errno.name(d.reclaimErrno))
                    .end()
                .object("arena")
                    .field("bytes", d.arenaBytes)
                    .field("bound_by", d.arenaBoundBy)
                    .end()
                .field("agent_would", d.perThread)
                .strings("advice", d.advice)
                .field("elapsed_ms", elapsedMs)
                .close() + "\n";
    }
}
