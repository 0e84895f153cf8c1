package dev.rseqagent.tooling.doctor;

import dev.rseqagent.tooling.json.JsonText;
import dev.rseqagent.tooling.shim.Errno;

/** The doctor's report for machines: one JSON object. */
final class DiagnosisJson {
    private DiagnosisJson() {
    }

    static String render(Diagnosis d, long elapsedMs) {
        StringBuilder sb = new StringBuilder("{");
        JsonText.field(sb, "rseq_possible", d.rseqPossible());
        sb.append(",\"kernel\":{");
        JsonText.field(sb, "release", d.kernelRelease);
        sb.append(',');
        JsonText.field(sb, "rseq", d.kernelErrno == 0);
        sb.append(',');
        JsonText.field(sb, "errno", d.kernelErrno == 0 ? null : Errno.name(d.kernelErrno));
        sb.append(',');
        JsonText.field(sb, "feature_size", d.featureSize);
        sb.append(',');
        JsonText.field(sb, "alignment", d.alignment);
        sb.append(',');
        JsonText.field(sb, "mm_cid", d.mmCid);
        sb.append("},\"glibc\":{");
        JsonText.field(sb, "version", d.glibcVersion);
        sb.append(',');
        JsonText.field(sb, "exports_rseq_symbols", d.glibcSymbols);
        sb.append(',');
        JsonText.field(sb, "registers_rseq", d.glibcRegisters);
        sb.append(',');
        JsonText.field(sb, "tunable_rseq", d.tunable);
        sb.append("},\"this_thread\":{");
        JsonText.field(sb, "owner", d.mainOwner.name());
        sb.append(',');
        JsonText.field(sb, "mode", d.mainMode.label());
        sb.append("},\"rseq_abi_libraries\":[");
        for (int i = 0; i < d.foreignOwners.size(); i++) {
            sb.append(i == 0 ? "" : ",");
            JsonText.string(sb, d.foreignOwners.get(i));
        }
        sb.append("],");
        JsonText.field(sb, "agent_would", d.perThread);
        sb.append(",\"advice\":[");
        for (int i = 0; i < d.advice.size(); i++) {
            sb.append(i == 0 ? "" : ",");
            JsonText.string(sb, d.advice.get(i));
        }
        sb.append("],");
        JsonText.field(sb, "elapsed_ms", elapsedMs);
        return sb.append("}\n").toString();
    }
}
