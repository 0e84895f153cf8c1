package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.LayoutBase;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;
import java.io.File;
import java.io.IOException;

/**
 * Where and how the agent's lines go, as the options say: level, layout and
 * target. Chosen before the logger context exists (premain's thread, while
 * the start-up thread builds the context), started on it by
 * {@link AgentLogging#start}.
 */
public final class LogOutputs {
    final Level level;
    private final LayoutBase<ILoggingEvent> layout;
    /** The file, else null: the lines go to stderr. */
    private final String file;

    private LogOutputs(Level level, LayoutBase<ILoggingEvent> layout, String file) {
        this.level = level;
        this.layout = layout;
        this.file = file;
    }

    /** The outputs the options ask for, not started; pre: they do not turn logging off. */
    public static LogOutputs of(AgentOptions options) {
        Level level = Level.toLevel(options.get(AgentOption.LOG_LEVEL), Level.INFO);
        // Factories, not constructors here: verifying this class would otherwise load
        // both layouts to check them against their supertype, whichever the options choose.
        LayoutBase<ILoggingEvent> layout = options.get(AgentOption.LOG_FORMAT).equals("json")
                ? JsonLayout.create() : TextLayout.create();
        String target = options.get(AgentOption.LOG);
        return new LogOutputs(level, layout, target.startsWith("file:") ? target.substring("file:".length()) : null);
    }

    /**
     * Starts the outputs on {@code context}: the appender to use, or, when the
     * file cannot be opened, a stderr one; {@code warnings} then gets why.
     */
    Appender<ILoggingEvent> start(LoggerContext context, StringBuilder warnings) {
        layout.setContext(context);
        layout.start();
        LineAppender appender;
        if (file == null) {
            appender = LineAppender.toStderr(layout);
        } else {
            try {
                appender = LineAppender.toFile(layout, new File(file));
            } catch (IOException e) {
                warnings.append("cannot write the agent log to ").append(file)
                        .append(", logging to stderr instead: ").append(e.getMessage());
                appender = LineAppender.toStderr(layout);
            }
        }
        appender.setContext(context);
        appender.start();
        return appender;
    }
}
