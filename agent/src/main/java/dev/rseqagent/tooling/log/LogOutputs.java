package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.rseqagent.tooling.options.AgentOption;
import dev.rseqagent.tooling.options.AgentOptions;

/**
 * Where and how the agent's lines go, as the options say: level, layout and
 * appender. Built before the logger context exists (premain's thread builds
 * them while the start-up thread builds the context), started on it by
 * {@link AgentLogging#start}.
 */
public final class LogOutputs {
    final Level level;
    private final LayoutBase<ILoggingEvent> layout;
    /** The file, else null: the lines go to stderr. */
    private final String file;
    private final OutputStreamAppender<ILoggingEvent> appender;

    private LogOutputs(Level level, LayoutBase<ILoggingEvent> layout, String file,
            OutputStreamAppender<ILoggingEvent> appender) {
        this.level = level;
        this.layout = layout;
        this.file = file;
        this.appender = appender;
    }

    /** The outputs the options ask for, not started; pre: they do not turn logging off. */
    public static LogOutputs of(AgentOptions options) {
        Level level = Level.toLevel(options.get(AgentOption.LOG_LEVEL), Level.INFO);
        // Factories and a nested class, not constructors here: verifying this class would
        // otherwise load both layouts and the file appender (~5 ms of start-up) to check
        // them against their supertypes, whichever the options choose.
        LayoutBase<ILoggingEvent> layout = options.get(AgentOption.LOG_FORMAT).equals("json")
                ? JsonLayout.create() : TextLayout.create();
        String target = options.get(AgentOption.LOG);
        if (target.startsWith("file:")) {
            String file = target.substring("file:".length());
            return new LogOutputs(level, layout, file, FileTarget.appender(file));
        }
        return new LogOutputs(level, layout, null, stderrAppender());
    }

    /**
     * Starts the outputs on {@code context}: the appender to use, or, when the
     * file cannot be opened, a stderr one; {@code warnings} then gets why.
     */
    OutputStreamAppender<ILoggingEvent> start(LoggerContext context, StringBuilder warnings) {
        layout.setContext(context);
        layout.start();
        if (start(context, appender) || file == null) {
            return appender;
        }
        warnings.append("cannot write the agent log to ").append(file).append(", logging to stderr instead");
        OutputStreamAppender<ILoggingEvent> stderr = stderrAppender();
        start(context, stderr);
        return stderr;
    }

    /** False when the appender stays stopped (its stream cannot be opened). */
    private boolean start(LoggerContext context, OutputStreamAppender<ILoggingEvent> target) {
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        target.setContext(context);
        target.setEncoder(encoder);
        target.setImmediateFlush(true);
        target.start();
        return target.isStarted();
    }

    private static OutputStreamAppender<ILoggingEvent> stderrAppender() {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setName("stderr");
        appender.setTarget("System.err");
        return appender;
    }

    /** Loaded only when the log goes to a file. */
    private static final class FileTarget {
        static OutputStreamAppender<ILoggingEvent> appender(String path) {
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setName("file");
            appender.setFile(path);
            appender.setAppend(true);
            return appender;
        }
    }
}
