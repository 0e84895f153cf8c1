package dev.rseqagent.tooling.log;

import java.text.MessageFormat;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * What the agent's isolated libraries (JNA) use in place of
 * {@code java.util.logging.Logger}: the class pack's writer points their
 * references here at build time. A real Logger initialises the JVM's one
 * {@code LogManager}, which reads {@code java.util.logging.manager} and the
 * logging configuration once and for good; created on the agent's start-up
 * thread, it would fix both before the application's main could choose its
 * own (as JBoss LogManager users and application servers do). Their messages
 * go to the agent's log instead, at the nearest SLF4J level.
 *
 * <p>Only the methods those libraries call: the writer fails the build when
 * a packed class calls one this class lacks.
 */
public final class JulLoggerStandIn {
    private static volatile Logger sink = NOPLogger.NOP_LOGGER;

    private final String name;

    private JulLoggerStandIn(String name) {
        this.name = name;
    }

    /** From now on the stand-ins log to {@code logger} (until then, nowhere). */
    public static void sendTo(Logger logger) {
        sink = logger;
    }

    public static JulLoggerStandIn getLogger(String name) {
        return new JulLoggerStandIn(name);
    }

    public boolean isLoggable(Level level) {
        return sink.isEnabledForLevel(nearest(level));
    }

    public void log(Level level, String message) {
        log(level, message, (Throwable) null);
    }

    public void log(Level level, String message, Object parameter) {
        log(level, message, new Object[] {parameter});
    }

    public void log(Level level, String message, Object[] parameters) {
        if (isLoggable(level)) {
            emit(level, format(message, parameters), null);
        }
    }

    public void log(Level level, String message, Throwable thrown) {
        if (isLoggable(level)) {
            emit(level, message, thrown);
        }
    }

    /** java.util.logging's own rule: placeholders are {0}-style, and only a message with parameters is formatted. */
    static String format(String message, Object[] parameters) {
        if (message == null || parameters == null || parameters.length == 0 || !message.contains("{")) {
            return message;
        }
        try {
            return MessageFormat.format(message, parameters);
        } catch (IllegalArgumentException notAPattern) {
            return message;
        }
    }

    private void emit(Level level, String message, Throwable thrown) {
        sink.makeLoggingEventBuilder(nearest(level)).setCause(thrown).log(name + ": " + message);
    }

    /** SEVERE error, WARNING warn, INFO info, CONFIG and FINE debug, below that trace. */
    static org.slf4j.event.Level nearest(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return org.slf4j.event.Level.ERROR;
        }
        if (value >= Level.WARNING.intValue()) {
            return org.slf4j.event.Level.WARN;
        }
        if (value >= Level.INFO.intValue()) {
            return org.slf4j.event.Level.INFO;
        }
        return value >= Level.FINE.intValue() ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.TRACE;
    }
}
