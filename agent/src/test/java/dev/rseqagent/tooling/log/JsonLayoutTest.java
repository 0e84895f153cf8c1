package dev.rseqagent.tooling.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLayoutTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Checks the one-line framing, then parses strictly. */
    private static JsonNode layoutAndParse(LoggingEvent event) throws JsonProcessingException {
        String text = new JsonLayout().doLayout(event);
        assertTrue(text.endsWith(CoreConstants.LINE_SEPARATOR), text);
        String line = text.substring(0, text.length() - CoreConstants.LINE_SEPARATOR.length());
        assertFalse(line.contains("\n"), "raw newline inside the JSON line: " + line);
        assertFalse(line.contains("\r"), "raw carriage return inside the JSON line: " + line);
        assertTrue(line.chars().allMatch(c -> c >= 0x20), "raw control character in: " + line);
        return JSON.readTree(line);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void eventBecomesOneJsonObjectWithFieldsInOrder() throws Exception {
        LoggingEvent event = Events.event(Level.INFO, "rseq.owner", null,
                "thread", "main", "tid", 4242L, "from", "NEW", "to", "SHIM", "mode", "rseq");

        JsonNode node = layoutAndParse(event);

        assertEquals(List.of("ts", "level", "msg", "thread", "tid", "from", "to", "mode"), fieldNames(node));
        assertEquals("2023-11-14T22:13:20.123Z", node.get("ts").asText());
        assertEquals("INFO", node.get("level").asText());
        assertEquals("rseq.owner", node.get("msg").asText());
        assertEquals("main", node.get("thread").asText());
        assertEquals("SHIM", node.get("to").asText());
    }

    @Test
    void aLineFieldsArgumentBecomesFieldsNumbersStayingNumbers() throws Exception {
        JsonNode node = layoutAndParse(Events.withFieldsArgument("rseq.owner",
                "thread", "w\"1", "tid", 4242L, "len", "32"));

        assertEquals(List.of("ts", "level", "msg", "thread", "tid", "len"), fieldNames(node));
        assertEquals("w\"1", node.get("thread").asText());
        assertTrue(node.get("tid").isNumber());
        assertEquals(4242L, node.get("tid").asLong());
        assertTrue(node.get("len").isTextual(), "a string stays a string");
    }

    @Test
    void longAndIntegerValuesAreNumbersOtherValuesAreStrings() throws Exception {
        LoggingEvent event = Events.event(Level.INFO, "m", null,
                "tid", 123456789012L, "count", 7, "hex", "0x10", "digits", "42", "flag", true, "ratio", 1.5);

        JsonNode node = layoutAndParse(event);

        assertTrue(node.get("tid").isIntegralNumber());
        assertEquals(123456789012L, node.get("tid").asLong());
        assertTrue(node.get("count").isIntegralNumber());
        assertEquals(7, node.get("count").asInt());
        assertTrue(node.get("hex").isTextual());
        assertTrue(node.get("digits").isTextual(), "a numeric-looking String stays a string");
        assertEquals("42", node.get("digits").asText());
        assertTrue(node.get("flag").isTextual());
        assertEquals("true", node.get("flag").asText());
        assertTrue(node.get("ratio").isTextual());
    }

    @Test
    void negativeNumbersStayNumbers() throws Exception {
        JsonNode node = layoutAndParse(Events.event(Level.INFO, "m", null, "n", -5L, "i", Integer.MIN_VALUE));

        assertEquals(-5L, node.get("n").asLong());
        assertEquals(Integer.MIN_VALUE, node.get("i").asInt());
    }

    @Test
    void quotesBackslashesAndNewlinesAreEscaped() throws Exception {
        String nasty = "say \"hi\" \\ path\\to\nnext\r\tend";
        LoggingEvent event = Events.event(Level.WARN, "msg with \"quotes\"\nand newline", null, "value", nasty);

        String text = new JsonLayout().doLayout(event);
        JsonNode node = layoutAndParse(event);

        assertEquals(nasty, node.get("value").asText());
        assertEquals("msg with \"quotes\"\nand newline", node.get("msg").asText());
        assertTrue(text.contains("\"value\":\"say \\\"hi\\\" \\\\ path\\\\to\\nnext\\r\\tend\""), text);
    }

    @Test
    void otherControlCharactersAreUnicodeEscaped() throws Exception {
        String control = "a\u0000b\u0001c\u001fd\u0008e\u000cf";
        LoggingEvent event = Events.event(Level.INFO, "m", null, "ctl", control);

        String text = new JsonLayout().doLayout(event);
        JsonNode node = layoutAndParse(event);

        assertEquals(control, node.get("ctl").asText());
        assertTrue(text.contains("a\\u0000b\\u0001c\\u001fd\\u0008e\\u000cf"), text);
    }

    @Test
    void keysAreEscapedToo() throws Exception {
        JsonNode node = layoutAndParse(Events.event(Level.INFO, "m", null, "we\"ird\nkey", "v"));

        assertEquals("v", node.get("we\"ird\nkey").asText());
    }

    @Test
    void nonAsciiTextSurvives() throws Exception {
        JsonNode node = layoutAndParse(Events.event(Level.INFO, "m", null, "thread", "wörker-線程-\u2028"));

        assertEquals("wörker-線程-\u2028", node.get("thread").asText());
    }

    @Test
    void throwableBecomesAnErrorStringOnTheSameLine() throws Exception {
        LoggingEvent event = Events.event(Level.ERROR, "failed", new IllegalStateException("boom \"x\""), "k", 1L);

        JsonNode node = layoutAndParse(event);

        assertEquals(List.of("ts", "level", "msg", "k", "error"), fieldNames(node));
        assertTrue(node.get("error").asText().startsWith("java.lang.IllegalStateException: boom \"x\""),
                node.get("error").asText());
        assertTrue(node.get("error").asText().contains("\tat "), "stack trace kept: " + node.get("error"));
    }

    @Test
    void eventWithoutKeyValuePairsHasOnlyTheBaseFields() throws Exception {
        JsonNode node = layoutAndParse(Events.event(Level.DEBUG, "hello", null));

        assertEquals(List.of("ts", "level", "msg"), fieldNames(node));
        assertEquals("DEBUG", node.get("level").asText());
    }
}
