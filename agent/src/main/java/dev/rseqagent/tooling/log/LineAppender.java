package dev.rseqagent.tooling.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.FilterReply;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The agent's one appender: each event laid out as one line, UTF-8, written
 * and flushed in one call, to the process's stderr or to the log file. Not
 * Logback's ConsoleAppender with an encoder: those, their bases and their
 * filter list are ~12 classes more before the application's main, for
 * features (filters, encoders, console selection) the agent never uses.
 * A write that fails stops the appender, as Logback's own appenders do.
 * Stopping closes a file, never stderr.
 */
final class LineAppender extends ContextAwareBase implements Appender<ILoggingEvent> {
    private final String name;
    private final Layout<ILoggingEvent> layout;
    private final OutputStream out;
    private final boolean closeOnStop;
    private volatile boolean started;

    private LineAppender(String name, Layout<ILoggingEvent> layout, OutputStream out, boolean closeOnStop) {
        this.name = name;
        this.layout = layout;
        this.out = out;
        this.closeOnStop = closeOnStop;
    }

    /** Lines to the process's stderr (file descriptor 2, whatever System.err is set to). */
    static LineAppender toStderr(Layout<ILoggingEvent> layout) {
        return new LineAppender("stderr", layout, new FileOutputStream(FileDescriptor.err), false);
    }

    /** Lines appended to {@code file}, its missing directories made. */
    static LineAppender toFile(Layout<ILoggingEvent> layout, File file) throws IOException {
        File dir = file.getAbsoluteFile().getParentFile();
        if (dir != null) {
            dir.mkdirs(); // if that fails, opening the file says why
        }
        return new LineAppender("file", layout, new FileOutputStream(file, true), true);
    }

    @Override
    public synchronized void doAppend(ILoggingEvent event) {
        if (!started) {
            return;
        }
        try {
            out.write(layout.doLayout(event).getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            started = false;
            addError("the agent log's " + name + " failed; its later lines are dropped", e);
        }
    }

    @Override
    public String getName() {
        return name;
    }

    /** The name is fixed: it says which target this is. */
    @Override
    public void setName(String ignored) {
        // fixed at construction
    }

    @Override
    public void start() {
        started = true;
    }

    @Override
    public synchronized void stop() {
        started = false;
        if (closeOnStop) {
            try {
                out.close();
            } catch (IOException e) {
                addWarn("cannot close the agent log", e);
            }
        }
    }

    @Override
    public boolean isStarted() {
        return started;
    }

    /** The agent configures no filters; one offered is refused rather than silently ignored. */
    @Override
    public void addFilter(Filter<ILoggingEvent> filter) {
        throw new UnsupportedOperationException("the agent's appender takes no filters");
    }

    @Override
    public void clearAllFilters() {
        // none to clear
    }

    @Override
    public List<Filter<ILoggingEvent>> getCopyOfAttachedFiltersList() {
        return List.of();
    }

    @Override
    public FilterReply getFilterChainDecision(ILoggingEvent event) {
        return FilterReply.NEUTRAL;
    }
}
