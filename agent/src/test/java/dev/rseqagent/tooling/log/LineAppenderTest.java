package dev.rseqagent.tooling.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.status.Status;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineAppenderTest {
    private final LoggerContext context = Events.context();

    @Test
    void eachEventIsOneLineAppendedToTheFileWhoseDirectoriesAreMade(@TempDir Path tmp) throws IOException {
        Path log = tmp.resolve("not/yet/agent.log");
        LineAppender first = started(LineAppender.toFile(layout(), log.toFile()));
        first.doAppend(event("one"));
        first.stop();
        LineAppender second = started(LineAppender.toFile(layout(), log.toFile()));
        second.doAppend(Events.event(Level.INFO, "two", null, "thread", "é t"));
        second.stop();

        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(" [rseq-agent] INFO one"), lines.get(0));
        assertTrue(lines.get(1).endsWith(" [rseq-agent] INFO two thread=\"é t\""), "in UTF-8: " + lines.get(1));
    }

    @Test
    void aStoppedAppenderDropsEventsAndTakesNoFilters(@TempDir Path tmp) throws IOException {
        Path log = tmp.resolve("agent.log");
        LineAppender appender = started(LineAppender.toFile(layout(), log.toFile()));
        appender.stop();
        appender.doAppend(event("dropped"));

        assertFalse(appender.isStarted());
        assertEquals(0, Files.size(log));
        assertThrows(UnsupportedOperationException.class, () -> appender.addFilter(null));
    }

    @Test
    void aWriteThatFailsStopsTheAppenderWithAnErrorStatus() throws IOException {
        LineAppender full = started(LineAppender.toFile(layout(), new File("/dev/full"))); // every write: ENOSPC

        full.doAppend(event("no room"));
        full.doAppend(event("not tried"));

        assertFalse(full.isStarted());
        List<Status> errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).getMessage().contains("file failed"), errors.get(0).getMessage());
    }

    @Test
    void aFileThatCannotBeOpenedIsAnIOException(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("a-directory"));
        assertThrows(IOException.class, () -> LineAppender.toFile(layout(), dir.toFile()));
    }

    private LineAppender started(LineAppender appender) {
        appender.setContext(context);
        appender.start();
        return appender;
    }

    private TextLayout layout() {
        TextLayout layout = new TextLayout();
        layout.setContext(context);
        layout.start();
        return layout;
    }

    private static LoggingEvent event(String message) {
        return Events.event(Level.INFO, message, null);
    }
}
