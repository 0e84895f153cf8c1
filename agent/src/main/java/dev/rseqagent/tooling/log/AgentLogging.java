package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.helpers.NOPMDCAdapter;

/**
 * The agent's own Logback, configured in code from the agent's options. It is
 * a private {@link LoggerContext}: SLF4J's {@code LoggerFactory} is never asked,
 * so no configuration file (the application's logback.xml included) and no
 * {@code logback.configurationFile} property is ever read. Start-up builds it
 * on two threads: the context ({@link #newContext}, {@link #loadEventClasses})
 * on one, the outputs ({@link LogOutputs#of}) on the other, then joins them
 * ({@link #start}).
 */
public final class AgentLogging {
    public static final String LOGGER_NAME = "rseq-agent";

    private final Logger logger;

    private AgentLogging(Logger logger) {
        this.logger = logger;
    }

    /**
     * The agent's logger context, before any option is known: most of Logback's
     * start-up (~20 ms of class loading, interpreted this early).
     */
    public static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setName(LOGGER_NAME);
        // LoggerFactory would set Logback's MDC; we never call it, and nothing can put
        // MDC values in this private context: the no-op one is two classes less.
        context.setMDCAdapter(new NOPMDCAdapter());
        context.getLogger(LOGGER_NAME);
        return context;
    }

    /**
     * Builds and drops one event on the agent's logger, logging nothing: it
     * loads the classes every line needs (~5 ms) while the outputs are built,
     * instead of after them, on the first line, which premain waits for.
     */
    public static void loadEventClasses(LoggerContext context) {
        ch.qos.logback.classic.Logger logger = context.getLogger(LOGGER_NAME);
        new LoggingEvent(AgentLogging.class.getName(), logger, Level.INFO, "rseq.owner", null, new Object[] {logger})
                .getFormattedMessage();
    }

    /**
     * Starts {@code outputs} (null: logging is off, and every call goes to SLF4J's
     * no-op logger, Logback not even loaded) on {@code context} (null: a new one).
     */
    public static AgentLogging start(LogOutputs outputs, LoggerContext context) {
        if (outputs == null) {
            return new AgentLogging(NOPLogger.NOP_LOGGER);
        }
        LoggerContext started = context != null ? context : newContext();
        ch.qos.logback.classic.Logger root = started.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(outputs.level);
        StringBuilder warnings = new StringBuilder();
        root.addAppender(outputs.start(started, warnings));
        started.start();
        AgentLogging logging = new AgentLogging(started.getLogger(LOGGER_NAME));
        if (warnings.length() > 0) {
            logging.logger.warn(warnings.toString());
        }
        return logging;
    }

    public Logger logger() {
        return logger;
    }
}
