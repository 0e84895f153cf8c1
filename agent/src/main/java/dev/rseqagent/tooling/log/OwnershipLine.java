package dev.rseqagent.tooling.log;

import dev.rseqagent.CpuIndexSource;
import dev.rseqagent.Mode;
import dev.rseqagent.Owner;
import dev.rseqagent.bootstrap.Report;
import dev.rseqagent.tooling.shim.Errno;

/**
 * The fields of one {@code rseq.owner} line, from a shim report:
 * {@code thread tid from to mode [area len sig] [cpu] [refcount] [errno] at}.
 */
final class OwnershipLine implements LineFields {
    private final long[] r;
    private final String threadName;
    private final String at;
    private final Owner from;
    private final Owner to;
    private final Mode mode;

    OwnershipLine(long[] report, String threadName, String at, Owner from, Owner to, Mode mode) {
        this.r = report;
        this.threadName = threadName;
        this.at = at;
        this.from = from;
        this.to = to;
        this.mode = mode;
    }

    @Override
    public void writeTo(Sink sink) {
        sink.field("thread", threadName);
        sink.field("tid", r[Report.R_TID]);
        sink.field("from", from.name());
        sink.field("to", to.name());
        sink.field("mode", mode.label());
        if (r[Report.R_AREA] != 0) {
            sink.field("area", "0x" + Long.toHexString(r[Report.R_AREA]));
            sink.field("len", r[Report.R_LEN]);
            sink.field("sig", signature(r[Report.R_SIG]));
        }
        if (mode == Mode.RSEQ) {
            sink.field("cpu", CpuIndexSource.ofCode(r[Report.R_CPU_SOURCE]).label());
        }
        if (r[Report.R_HELD] != 0) {
            sink.field("refcount", "held");
        }
        if (r[Report.R_ERRNO] != 0) {
            sink.field("errno", Errno.name((int) r[Report.R_ERRNO]));
        }
        sink.field("at", at);
    }

    private static String signature(long code) {
        if (code == Report.SIG_MATCH) {
            return "match";
        }
        return code == Report.SIG_OTHER ? "other" : "unchecked";
    }
}
