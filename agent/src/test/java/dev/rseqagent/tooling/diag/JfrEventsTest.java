package dev.rseqagent.tooling.diag;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrEventsTest {
    private static final String START = "-XX:StartFlightRecording=filename=rec.jfr";

    @TempDir
    Path tmp;

    @Test
    void aRecordingAskedForAtStartIsSeenWhereverItWasGiven() throws Exception {
        Path argfile = Files.writeString(tmp.resolve("args"), "-Xmx1g\n" + START + "\n");
        assertTrue(JfrEvents.requestedAtStart(Map.of(), "java\0" + START + "\0-jar\0app.jar\0"), "command line");
        assertTrue(JfrEvents.requestedAtStart(Map.of(), "java\0@" + argfile + "\0-jar\0app.jar\0"), "@argfile");
        for (String variable : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
            assertTrue(JfrEvents.requestedAtStart(Map.of(variable, "-Xss1m " + START), ""), variable);
        }
    }

    @Test
    void noRecordingNoMistake() {
        assertFalse(JfrEvents.requestedAtStart(Map.of("JAVA_TOOL_OPTIONS", "-Xss1m"), "java\0-jar\0app.jar\0"));
        assertFalse(JfrEvents.requestedAtStart(Map.of(), ""), "no /proc");
        assertFalse(JfrEvents.requestedAtStart(Map.of(), "java\0@" + tmp.resolve("gone") + "\0-jar\0app.jar\0"),
                "an argfile that is gone");
    }
}
