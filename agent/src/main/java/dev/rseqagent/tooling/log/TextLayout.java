package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;

/** {@code 2026-11-26T12:34:56.789Z [rseq-agent] INFO message key=value ...}: one line per event. */
public final class TextLayout extends LayoutBase<ILoggingEvent> {
    /** Both layouts' line end; not Logback's CoreConstants, whose hundred constants would load before main for it. */
    static final String LINE_END = System.lineSeparator();

    /** A new layout, typed as its supertype (see LogOutputs.of). */
    public static LayoutBase<ILoggingEvent> create() {
        return new TextLayout();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(160);
        LogTime.appendIsoUtc(sb, event.getTimeStamp());
        sb.append(" [rseq-agent] ").append(event.getLevel()).append(' ')
                .append(LineFields.messageOf(event));
        LineFields.writeAll(event, new LineFields.Sink() { // key=value, each after a space
            @Override
            public void field(String key, String value) {
                appendValue(sb.append(' ').append(key).append('='), value);
            }

            @Override
            public void field(String key, long value) {
                sb.append(' ').append(key).append('=').append(value);
            }
        });
        sb.append(LINE_END);
        if (event.getThrowableProxy() != null) {
            sb.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append(LINE_END);
        }
        return sb.toString();
    }

    private static boolean isPlain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '"' || c == '=') {
                return false;
            }
        }
        return !value.isEmpty();
    }

    /** Values with spaces, quotes or '=' are quoted so a line splits unambiguously. */
    static void appendValue(StringBuilder sb, String value) {
        if (isPlain(value)) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c < ' ' ? ' ' : c);
        }
        sb.append('"');
    }
}
