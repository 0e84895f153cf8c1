package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import dev.rseqagent.tooling.json.JsonText;

/**
 * JSON lines: {@code {"ts":"...","level":"INFO","msg":"rseq.owner","thread":"main",...}}
 * with the same keys as the text lines; numbers stay numbers.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
    /** A new layout, typed as its supertype (see LogOutputs.of). */
    public static LayoutBase<ILoggingEvent> create() {
        return new JsonLayout();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(200).append('{');
        JsonText.string(sb, "ts");
        sb.append(":\"");
        LogTime.appendIsoUtc(sb, event.getTimeStamp());
        sb.append('"');
        sb.append(',');
        field(sb, "level", event.getLevel().toString());
        sb.append(',');
        field(sb, "msg", LineFields.messageOf(event));
        LineFields.writeAll(event, new LineFields.Sink() { // ,"key":value: strings quoted, numbers not
            @Override
            public void field(String key, String value) {
                JsonLayout.field(sb.append(','), key, value);
            }

            @Override
            public void field(String key, long value) {
                JsonText.string(sb.append(','), key);
                sb.append(':').append(value);
            }
        });
        if (event.getThrowableProxy() != null) {
            sb.append(',');
            field(sb, "error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return sb.append('}').append(TextLayout.LINE_END).toString();
    }

    private static void field(StringBuilder sb, String key, String value) {
        JsonText.string(sb, key);
        sb.append(':');
        JsonText.string(sb, value);
    }
}
