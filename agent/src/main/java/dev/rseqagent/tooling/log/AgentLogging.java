package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * The agent's own Logback, configured in code from the agent's options. It is
 * a private {@link LoggerContext}: SLF4J's {@code LoggerFactory} is never asked,
 * so no configuration file (the application's logback.xml included) and no
 * {@code logback.configurationFile} property is ever read.
 */
public final class AgentLogging {
    public static final String LOGGER_NAME = "rseq-agent";

    private final Logger logger;

    private AgentLogging(Logger logger) {
        this.logger = logger;
    }

    /**
     * Builds the agent's logging from its options; never throws for a bad destination.
     * With {@code log=none} Logback is not even loaded (its ~30 ms of class loading sit
     * on the application's start-up path): every call goes to SLF4J's no-op logger.
     */
    public static AgentLogging configure(AgentOptions options) {
        if (options.get(AgentOption.LOG).equals("none") || options.get(AgentOption.LOG_LEVEL).equals("off")) {
            return new AgentLogging(NOPLogger.NOP_LOGGER);
        }
        LoggerContext context = new LoggerContext();
        context.setName(LOGGER_NAME);
        context.setMDCAdapter(new LogbackMDCAdapter()); // LoggerFactory would set it; we never call LoggerFactory
        String target = options.get(AgentOption.LOG);
        String level = options.get(AgentOption.LOG_LEVEL);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        String warning = null;
        // Factories and a nested class, not constructors here: verifying this class would
        // otherwise load both layouts and the file appender (~5 ms of start-up) to check
        // them against their supertypes, whichever the options choose.
        LayoutBase<ILoggingEvent> layout = options.get(AgentOption.LOG_FORMAT).equals("json")
                ? JsonLayout.create() : TextLayout.create();
        Appender<ILoggingEvent> appender = target.startsWith("file:")
                ? FileTarget.appender(context, layout, target.substring("file:".length())) : null;
        if (appender == null || !appender.isStarted()) {
            if (appender != null) {
                warning = "cannot write the agent log to " + target.substring("file:".length())
                        + ", logging to stderr instead";
            }
            appender = stderrAppender(context, layout);
        }
        root.addAppender(appender);
        context.start();
        AgentLogging logging = new AgentLogging(context.getLogger(LOGGER_NAME));
        if (warning != null) {
            logging.logger.warn(warning);
        }
        return logging;
    }

    public Logger logger() {
        return logger;
    }


    private static Appender<ILoggingEvent> stderrAppender(LoggerContext context, LayoutBase<ILoggingEvent> layout) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setTarget("System.err");
        return start(context, appender, layout, "stderr");
    }

    /** Loaded only when the log goes to a file. */
    private static final class FileTarget {
        static Appender<ILoggingEvent> appender(LoggerContext context, LayoutBase<ILoggingEvent> layout, String path) {
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setFile(path);
            appender.setAppend(true);
            return start(context, appender, layout, "file");
        }
    }

    private static Appender<ILoggingEvent> start(LoggerContext context, OutputStreamAppender<ILoggingEvent> appender,
            LayoutBase<ILoggingEvent> layout, String name) {
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.start(); // stays stopped when its stream cannot be opened
        return appender;
    }
}
