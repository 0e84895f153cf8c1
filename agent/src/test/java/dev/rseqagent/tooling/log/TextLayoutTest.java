package dev.rseqagent.tooling.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextLayoutTest {

    private static final String TIME = Instant.ofEpochMilli(1_700_000_000_123L).toString();

    private static String value(String raw) {
        StringBuilder sb = new StringBuilder();
        TextLayout.appendValue(sb, raw);
        return sb.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "main              | main",
            "0x7f3a1c002000    | 0x7f3a1c002000",
            "C:\\dir\\file     | C:\\dir\\file",
            "{GLIBC/rseq=3}    | \"{GLIBC/rseq=3}\"",
            "pool-1 thread-2   | \"pool-1 thread-2\"",
            "say \"hi\"        | \"say \\\"hi\\\"\"",
            "a=b               | \"a=b\"",
            "''                | \"\"",
    })
    void valuesAreQuotedOnlyWhenNeeded(String raw, String expected) {
        assertEquals(expected, value(raw));
    }

    @Test
    void backslashInsideAQuotedValueIsEscaped() {
        assertEquals("\"a \\\\ b\"", value("a \\ b"));
    }

    @Test
    void controlCharactersForceQuotingAndBecomeSpaces() {
        assertEquals("\"line1 line2 x\"", value("line1\nline2\tx"));
    }

    @Test
    void leadingAndTrailingSpacesArePreservedInsideQuotes() {
        assertEquals("\" padded \"", value(" padded "));
    }

    @Test
    void layoutOfAnEventWithKeyValuePairs() {
        LoggingEvent event = Events.event(Level.INFO, "rseq.owner", null,
                "thread", "worker 1", "tid", 4242L, "from", "NEW", "to", "GLIBC", "mode", "rseq",
                "note", "a=b", "empty", "");

        String line = new TextLayout().doLayout(event);

        assertEquals(TIME + " [rseq-agent] INFO rseq.owner thread=\"worker 1\" tid=4242 from=NEW to=GLIBC"
                + " mode=rseq note=\"a=b\" empty=\"\"" + CoreConstants.LINE_SEPARATOR, line);
    }

    @Test
    void aLineFieldsArgumentIsWrittenAsKeyValuePairsAre() {
        LoggingEvent event = Events.withFieldsArgument("rseq.owner",
                "thread", "worker 1", "tid", 4242L, "from", "NEW", "note", "a=b", "empty", "");

        assertEquals(TIME + " [rseq-agent] INFO rseq.owner thread=\"worker 1\" tid=4242 from=NEW note=\"a=b\""
                + " empty=\"\"" + CoreConstants.LINE_SEPARATOR, new TextLayout().doLayout(event));
    }

    @Test
    void layoutWithoutKeyValuePairsIsJustTheMessage() {
        LoggingEvent event = Events.event(Level.WARN, "plain message", null);

        assertEquals(TIME + " [rseq-agent] WARN plain message" + CoreConstants.LINE_SEPARATOR,
                new TextLayout().doLayout(event));
    }

    @Test
    void messageArgumentsAreFormatted() {
        LoggingEvent event = new LoggingEvent("fqcn", Events.context().getLogger("t"), Level.ERROR,
                "cannot load {} ({})", null, new Object[] {"shim", 38});
        event.setTimeStamp(1_700_000_000_123L);

        assertEquals(TIME + " [rseq-agent] ERROR cannot load shim (38)" + CoreConstants.LINE_SEPARATOR,
                new TextLayout().doLayout(event));
    }

    @Test
    void nullValueIsPrintedAsNull() {
        LoggingEvent event = Events.event(Level.INFO, "m", null, "k", null);

        assertEquals(TIME + " [rseq-agent] INFO m k=null" + CoreConstants.LINE_SEPARATOR,
                new TextLayout().doLayout(event));
    }

    @Test
    void throwableFollowsTheLine() {
        LoggingEvent event = Events.event(Level.ERROR, "failed", new IllegalStateException("boom"), "k", "v");

        String text = new TextLayout().doLayout(event);

        String firstLine = TIME + " [rseq-agent] ERROR failed k=v" + CoreConstants.LINE_SEPARATOR;
        assertTrue(text.startsWith(firstLine), text);
        assertTrue(text.substring(firstLine.length()).startsWith("java.lang.IllegalStateException: boom"), text);
        assertTrue(text.endsWith(CoreConstants.LINE_SEPARATOR), text);
    }
}
