package dev.rseqagent.tooling.options;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptionParserErrorTest {

    private static final String SYNOPSIS =
            "log.level=off|error|warn|info|debug|trace, log=stderr|none|file:<path>, log.format=text|json, "
            + "packages=<package>[:<package>...], exclude=<package>[:<package>...], jna=on|off, facade=auto|jni|ffm, "
            + "jmx=on|off, jfr=on|off";

    private static String parseError(String args, Map<String, String> props, Map<String, String> env) {
        OptionParser.Result result = OptionParser.parse(args, props, env);
        assertFalse(result.ok(), "expected an error");
        assertNull(result.options(), "no options may come with an error");
        assertNotNull(result.error());
        return result.error();
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), () -> "expected <" + expected + "> in <" + actual + ">");
    }

    @Test
    void unknownKeyInAgentArguments() {
        String error = parseError("log.levle=debug", Map.of(), Map.of());

        assertContains("unknown option 'log.levle' (agent argument)", error);
    }

    @Test
    void unknownKeyInSystemProperties() {
        String error = parseError(null, Map.of("rseq.agent.colour", "red"), Map.of());

        assertContains("unknown option '-Drseq.agent.colour' (system property)", error);
    }

    @Test
    void unknownKeyInEnvironment() {
        String error = parseError(null, Map.of(), Map.of("RSEQ_AGENT_COLOUR", "red"));

        assertContains("unknown option 'RSEQ_AGENT_COLOUR' (environment)", error);
    }

    @Test
    void itemWithoutEqualsSignIsMalformed() {
        String error = parseError("log.level=debug,verbose", Map.of(), Map.of());

        assertContains("malformed agent option 'verbose' (expected key=value)", error);
    }

    @Test
    void itemWithEmptyKeyIsMalformed() {
        String error = parseError("=debug", Map.of(), Map.of());

        assertContains("malformed agent option '=debug'", error);
    }

    @Test
    void trailingCommaLeavesAnEmptyItemWhichIsMalformed() {
        String error = parseError("log.level=debug,", Map.of(), Map.of());

        assertContains("malformed agent option ''", error);
    }

    @Test
    void emptyItemBetweenCommasIsMalformed() {
        String error = parseError("log.level=debug,,log=none", Map.of(), Map.of());

        assertContains("malformed agent option ''", error);
    }

    @Test
    void duplicateKeyInAgentArguments() {
        String error = parseError("log.level=debug,log=none,log.level=info", Map.of(), Map.of());

        assertContains("agent option 'log.level' given twice", error);
    }

    @Test
    void duplicateKeyIsDetectedEvenWithSurroundingWhitespace() {
        String error = parseError("log.format=json, log.format =text", Map.of(), Map.of());

        assertContains("agent option 'log.format' given twice", error);
    }

    @Test
    void badValueInAgentArguments() {
        String error = parseError("log.level=loud", Map.of(), Map.of());

        assertContains("bad value 'loud' for option 'log.level' (agent argument), expected "
                + "off|error|warn|info|debug|trace", error);
    }

    @Test
    void badValueInSystemProperty() {
        String error = parseError(null, Map.of("rseq.agent.log.format", "xml"), Map.of());

        assertContains("bad value 'xml' for option '-Drseq.agent.log.format' (system property), expected text|json",
                error);
    }

    @Test
    void badValueInEnvironment() {
        String error = parseError(null, Map.of(), Map.of("RSEQ_AGENT_LOG", "syslog"));

        assertContains("bad value 'syslog' for option 'RSEQ_AGENT_LOG' (environment), expected stderr|none|file:<path>",
                error);
    }

    @ParameterizedTest
    @ValueSource(strings = {"log=file:", "log=file:  ", "log=", "log.level=", "log.format=text json",
        "packages=com..acme", "packages=com.acme:", "packages=1com", "packages=com.acme;org.x", "exclude=a b",
        "jna=yes", "facade=panama"})
    void missingOrMalformedValuesAreBad(String args) {
        assertContains("bad value", parseError(args, Map.of(), Map.of()));
    }

    @Test
    void badLowerPrecedenceSourceIsAnErrorEvenWhenAgentArgumentOverridesIt() {
        String error = parseError("log.level=debug", Map.of(), Map.of("RSEQ_AGENT_LOG_LEVEL", "loud"));

        assertContains("(environment)", error);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope=1", "log.level", "log.level=debug,", "log.level=a", "log=a,log=b"})
    void everyErrorNamesTheValidOptions(String args) {
        String error = parseError(args, Map.of(), Map.of());

        assertContains("log.level=off|error|warn|info|debug|trace", error);
        assertTrue(error.endsWith("; valid options: " + SYNOPSIS), error);
    }

    @Test
    void systemPropertyAndEnvironmentErrorsNameTheValidOptionsToo() {
        assertContains(SYNOPSIS, parseError(null, Map.of("rseq.agent.x", "1"), Map.of()));
        assertContains(SYNOPSIS, parseError(null, Map.of(), Map.of("RSEQ_AGENT_X", "1")));
    }

    @Test
    void keysAreCaseSensitive() {
        assertContains("unknown option 'LOG.LEVEL'", parseError("LOG.LEVEL=debug", Map.of(), Map.of()));
    }
}
