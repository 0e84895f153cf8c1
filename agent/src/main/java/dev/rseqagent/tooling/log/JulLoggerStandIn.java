package dev.rseqagent.tooling.log;

import java.text.MessageFormat;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * What the agent's isolated libraries (JNA) use in place of
 * {@code java.util.logging.Logger} and {@code Level}: the class pack's writer
 * points their references here at build time. A real Logger initialises the JVM's one
 * {@code LogManager}, which reads {@code java.util.logging.manager} and the
 * logging configuration once and for good; created on the agent's start-up
 * thread, it would fix both before the application's main could choose its
 * own (as JBoss LogManager users and application servers do). Their messages
 * go to the agent's log instead, at the nearest SLF4J level; and without
 * java.util.logging at all, they also run where the java.logging module is
 * not in the runtime (a jlink image with java.base and java.instrument).
 *
 * <p>Only the methods those libraries call: the writer fails the build when
 * a packed class calls one this class lacks.
 */
public final class JulLoggerStandIn {
    /** java.util.logging's levels, as the nearest SLF4J level (CONFIG and FINE: debug; below: trace). */
    public static final class Level {
        public static final Level SEVERE = new Level(org.slf4j.event.Level.ERROR);
        public static final Level WARNING = new Level(org.slf4j.event.Level.WARN);
        public static final Level INFO = new Level(org.slf4j.event.Level.INFO);
        public static final Level CONFIG = new Level(org.slf4j.event.Level.DEBUG);
        public static final Level FINE = new Level(org.slf4j.event.Level.DEBUG);
        public static final Level FINER = new Level(org.slf4j.event.Level.TRACE);
        public static final Level FINEST = new Level(org.slf4j.event.Level.TRACE);

        final org.slf4j.event.Level slf4j;

        private Level(org.slf4j.event.Level slf4j) {
            this.slf4j = slf4j;
        }
    }

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
        return sink.isEnabledForLevel(level.slf4j);
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
        sink.makeLoggingEventBuilder(level.slf4j).setCause(thrown).log(name + ": " + message);
    }
}
