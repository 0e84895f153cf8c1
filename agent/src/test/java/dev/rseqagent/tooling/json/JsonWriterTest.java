package dev.rseqagent.tooling.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void nestedObjectsArraysAndEscapesParse() throws Exception {
        String text = new JsonWriter()
                .field("a", 1)
                .object("o").field("s", "q\"uote\n").field("n", null).field("b", true).end()
                .strings("list", List.of("x", "y\\z"))
                .object("empty").end()
                .field("last", 2.5)
                .close();
        JsonNode node = new ObjectMapper().readTree(text);
        assertEquals(1, node.get("a").asInt());
        assertEquals("q\"uote\n", node.get("o").get("s").asText());
        assertEquals(true, node.get("o").get("n").isNull());
        assertEquals("y\\z", node.get("list").get(1).asText());
        assertEquals(0, node.get("empty").size());
        assertEquals(2.5, node.get("last").asDouble());
    }
}
