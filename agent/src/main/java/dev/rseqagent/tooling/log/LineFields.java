package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The fields of a line passed as its event's one argument
 * ({@code logger.info("rseq.owner", fields)}) and written by the agent's
 * layouts after the message, as key-value pairs would be. For the line
 * printed on every new thread: SLF4J's fluent key-value builder makes ~25
 * objects a line and, run cold on each new thread (interpreted until the
 * JIT has seen a few hundred lines), was the largest part of what the agent
 * added to a thread start.
 */
public interface LineFields {
    void writeTo(Sink sink);

    /** Where a layout takes the fields, in order; numbers stay numbers. */
    interface Sink {
        void field(String key, String value);

        void field(String key, long value);
    }

    /** The event's message; with a LineFields argument, as given (it has no placeholders to fill). */
    static String messageOf(ILoggingEvent event) {
        return fieldsOf(event) != null ? event.getMessage() : event.getFormattedMessage();
    }

    private static LineFields fieldsOf(ILoggingEvent event) {
        Object[] args = event.getArgumentArray();
        return args != null && args.length == 1 && args[0] instanceof LineFields ? (LineFields) args[0] : null;
    }

    /** The event's key-value pairs, then the fields of a LineFields argument, into sink. */
    static void writeAll(ILoggingEvent event, Sink sink) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                if (pair.value instanceof Long || pair.value instanceof Integer) {
                    sink.field(pair.key, ((Number) pair.value).longValue());
                } else {
                    sink.field(pair.key, String.valueOf(pair.value));
                }
            }
        }
        LineFields fields = fieldsOf(event);
        if (fields != null) {
            fields.writeTo(sink);
        }
    }
}
