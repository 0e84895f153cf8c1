package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.slf4j.event.KeyValuePair;

/** Builds Logback events for layout tests. */
final class Events {
    private Events() {
    }

    static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    static LoggingEvent event(Level level, String message, Throwable error, Object... keyValues) {
        Logger logger = context().getLogger("test");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, error, null);
        event.setTimeStamp(1_700_000_000_123L);
        for (int i = 0; i < keyValues.length; i += 2) {
            event.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
        }
        return event;
    }

    /** An event whose fields come as one {@link LineFields} argument: key, value, key, value... (Long: a number). */
    static LoggingEvent withFieldsArgument(String message, Object... keyValues) {
        LineFields fields = sink -> {
            for (int i = 0; i < keyValues.length; i += 2) {
                if (keyValues[i + 1] instanceof Long) {
                    sink.field((String) keyValues[i], (Long) keyValues[i + 1]);
                } else {
                    sink.field((String) keyValues[i], (String) keyValues[i + 1]);
                }
            }
        };
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context().getLogger("test"), Level.INFO,
                message, null, new Object[] {fields});
        event.setTimeStamp(1_700_000_000_123L);
        return event;
    }
}
