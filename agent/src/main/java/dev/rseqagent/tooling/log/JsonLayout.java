package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import dev.rseqagent.tooling.json.JsonText;
import java.util.List;
import org.slf4j.event.KeyValuePair;

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
        field(sb, "msg", event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                sb.append(',');
                field(sb, pair.key, pair.value);
            }
        }
        if (event.getThrowableProxy() != null) {
            sb.append(',');
            field(sb, "error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return sb.append('}').append(TextLayout.LINE_END).toString();
    }

    private static void field(StringBuilder sb, String key, Object value) {
        JsonText.string(sb, key);
        sb.append(':');
        if (value instanceof Long || value instanceof Integer) {
            sb.append(value);
        } else {
            JsonText.string(sb, String.valueOf(value));
        }
    }
}
