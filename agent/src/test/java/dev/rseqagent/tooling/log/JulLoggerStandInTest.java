package dev.rseqagent.tooling.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import dev.rseqagent.tooling.log.JulLoggerStandIn.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class JulLoggerStandInTest {
    @AfterEach
    void sendNowhere() {
        JulLoggerStandIn.sendTo(NOPLogger.NOP_LOGGER);
    }

    @Test
    void messagesAreFormattedAsJavaUtilLoggingDoes() {
        assertEquals("found lib in /dir", JulLoggerStandIn.format("found {0} in {1}", new Object[] {"lib", "/dir"}));
        assertEquals("kept {0}", JulLoggerStandIn.format("kept {0}", new Object[0]), "no parameters: not formatted");
        assertEquals("kept {0}", JulLoggerStandIn.format("kept {0}", null));
        assertEquals("a {broken pattern", JulLoggerStandIn.format("a {broken pattern", new Object[] {"x"}));
        assertNull(JulLoggerStandIn.format(null, new Object[] {"x"}));
    }

    @Test
    void levelsMapToTheNearestSlf4jLevel() {
        Level[] jul = {Level.SEVERE, Level.WARNING, Level.INFO, Level.CONFIG, Level.FINE, Level.FINER, Level.FINEST};
        String[] slf4j = {"ERROR", "WARN", "INFO", "DEBUG", "DEBUG", "TRACE", "TRACE"};
        for (int i = 0; i < jul.length; i++) {
            assertEquals(slf4j[i], jul[i].slf4j.name(), "level " + i);
        }
    }

    @Test
    void nothingIsLoggableUntilTheAgentsLogIsSetThenItsLevelDecides() {
        JulLoggerStandIn logger = JulLoggerStandIn.getLogger("com.sun.jna.Native");
        assertFalse(logger.isLoggable(Level.SEVERE));
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Logger agentLog = Events.context().getLogger("rseq-agent");
        agentLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
        agentLog.addAppender(seen);
        JulLoggerStandIn.sendTo(agentLog);

        logger.log(Level.FINE, "looking in {0}", "/tmp");
        logger.log(Level.FINER, "not at debug");
        logger.log(Level.SEVERE, "failed", new IllegalStateException("why"));

        assertEquals(List.of("DEBUG com.sun.jna.Native: looking in /tmp", "ERROR com.sun.jna.Native: failed"),
                seen.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
        assertEquals("why", seen.list.get(1).getThrowableProxy().getMessage());
    }
}
