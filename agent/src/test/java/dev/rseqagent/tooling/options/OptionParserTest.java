package dev.rseqagent.tooling.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class OptionParserTest {

    private static AgentOptions parseOk(String args, Map<String, String> props, Map<String, String> env) {
        OptionParser.Result result = OptionParser.parse(args, props, env);
        assertTrue(result.ok(), () -> "unexpected error: " + result.error());
        assertNull(result.error());
        assertNotNull(result.options());
        return result.options();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void noArgumentsAnywhereGivesTheDefaults(String args) {
        AgentOptions options = parseOk(args, Map.of(), Map.of());

        assertEquals("info", options.get(AgentOption.LOG_LEVEL));
        assertEquals("stderr", options.get(AgentOption.LOG));
        assertEquals("text", options.get(AgentOption.LOG_FORMAT));
        for (AgentOption option : AgentOption.values()) {
            assertEquals("default", options.sourceOf(option));
        }
        assertEquals("log.level=info,log=stderr,log.format=text,packages=,exclude=,jna=off,facade=auto,jmx=on,jfr=on",
                options.toString());
    }

    @Test
    void agentArgumentsSetEveryOption() {
        AgentOptions options = parseOk("log.level=debug,log=none,log.format=json,packages=com.acme.io:org.Example,"
                + "exclude=com.acme.io.test,jna=on,facade=jni,jmx=off,jfr=off", Map.of(), Map.of());

        assertEquals("com.acme.io:org.Example", options.get(AgentOption.PACKAGES), "package names keep their case");
        assertEquals("com.acme.io.test", options.get(AgentOption.EXCLUDE));
        assertEquals("on", options.get(AgentOption.JNA));
        assertEquals("jni", options.get(AgentOption.FACADE));
        assertEquals("debug", options.get(AgentOption.LOG_LEVEL));
        assertEquals("none", options.get(AgentOption.LOG));
        assertEquals("json", options.get(AgentOption.LOG_FORMAT));
        for (AgentOption option : AgentOption.values()) {
            assertEquals("agent argument", options.sourceOf(option));
        }
    }

    @Test
    void systemPropertiesSetEveryOption() {
        AgentOptions options = parseOk(null, Map.of(
                "rseq.agent.log.level", "trace",
                "rseq.agent.log", "file:/var/log/agent.log",
                "rseq.agent.log.format", "json",
                "rseq.agent.packages", "io.netty.util.internal",
                "rseq.agent.exclude", "io.netty.util.internal.logging",
                "rseq.agent.jna", "off",
                "rseq.agent.facade", "ffm",
                "rseq.agent.jmx", "on",
                "rseq.agent.jfr", "off"), Map.of());

        assertEquals("trace", options.get(AgentOption.LOG_LEVEL));
        assertEquals("file:/var/log/agent.log", options.get(AgentOption.LOG));
        assertEquals("json", options.get(AgentOption.LOG_FORMAT));
        for (AgentOption option : AgentOption.values()) {
            assertEquals("system property", options.sourceOf(option));
        }
    }

    @Test
    void environmentVariablesSetEveryOption() {
        AgentOptions options = parseOk(null, Map.of(), Map.of(
                "RSEQ_AGENT_LOG_LEVEL", "warn",
                "RSEQ_AGENT_LOG", "none",
                "RSEQ_AGENT_LOG_FORMAT", "json",
                "RSEQ_AGENT_PACKAGES", "com.acme",
                "RSEQ_AGENT_EXCLUDE", "com.acme.x",
                "RSEQ_AGENT_JNA", "ON",
                "RSEQ_AGENT_FACADE", "auto",
                "RSEQ_AGENT_JMX", "off",
                "RSEQ_AGENT_JFR", "on"));

        assertEquals("warn", options.get(AgentOption.LOG_LEVEL));
        assertEquals("none", options.get(AgentOption.LOG));
        assertEquals("json", options.get(AgentOption.LOG_FORMAT));
        for (AgentOption option : AgentOption.values()) {
            assertEquals("environment", options.sourceOf(option));
        }
    }

    @Test
    void optionNotGivenAnywhereKeepsItsDefaultNextToGivenOnes() {
        AgentOptions options = parseOk("log.level=error", Map.of(), Map.of());

        assertEquals("error", options.get(AgentOption.LOG_LEVEL));
        assertEquals("stderr", options.get(AgentOption.LOG));
        assertEquals("default", options.sourceOf(AgentOption.LOG));
    }

    @Test
    void agentArgumentBeatsSystemPropertyAndEnvironment() {
        AgentOptions options = parseOk("log.level=error",
                Map.of("rseq.agent.log.level", "warn"),
                Map.of("RSEQ_AGENT_LOG_LEVEL", "trace"));

        assertEquals("error", options.get(AgentOption.LOG_LEVEL));
        assertEquals("agent argument", options.sourceOf(AgentOption.LOG_LEVEL));
    }

    @Test
    void systemPropertyBeatsEnvironment() {
        AgentOptions options = parseOk(null,
                Map.of("rseq.agent.log.format", "json"),
                Map.of("RSEQ_AGENT_LOG_FORMAT", "text"));

        assertEquals("json", options.get(AgentOption.LOG_FORMAT));
        assertEquals("system property", options.sourceOf(AgentOption.LOG_FORMAT));
    }

    @Test
    void eachOptionTakesItsHighestPrecedenceSourceIndependently() {
        AgentOptions options = parseOk("log=none",
                Map.of("rseq.agent.log.level", "debug", "rseq.agent.log", "stderr"),
                Map.of("RSEQ_AGENT_LOG_FORMAT", "json", "RSEQ_AGENT_LOG_LEVEL", "off"));

        assertEquals("none", options.get(AgentOption.LOG));
        assertEquals("agent argument", options.sourceOf(AgentOption.LOG));
        assertEquals("debug", options.get(AgentOption.LOG_LEVEL));
        assertEquals("system property", options.sourceOf(AgentOption.LOG_LEVEL));
        assertEquals("json", options.get(AgentOption.LOG_FORMAT));
        assertEquals("environment", options.sourceOf(AgentOption.LOG_FORMAT));
    }

    @ParameterizedTest
    @CsvSource({
            "log.level=DEBUG, LOG_LEVEL, debug",
            "log.level=Trace, LOG_LEVEL, trace",
            "log.format=JSON, LOG_FORMAT, json",
            "log=STDERR, LOG, stderr",
            "log=None, LOG, none",
    })
    void namedValuesAreCaseInsensitive(String args, AgentOption option, String expected) {
        assertEquals(expected, parseOk(args, Map.of(), Map.of()).get(option));
    }

    @Test
    void caseInsensitivityAppliesToSystemPropertiesAndEnvironmentToo() {
        AgentOptions options = parseOk(null, Map.of("rseq.agent.log.level", "WARN"),
                Map.of("RSEQ_AGENT_LOG_FORMAT", "Json"));

        assertEquals("warn", options.get(AgentOption.LOG_LEVEL));
        assertEquals("json", options.get(AgentOption.LOG_FORMAT));
    }

    @Test
    void filePathKeepsItsCase() {
        AgentOptions options = parseOk("log=file:/Tmp/Agent-Logs/RSEQ.log", Map.of(), Map.of());

        assertEquals("file:/Tmp/Agent-Logs/RSEQ.log", options.get(AgentOption.LOG));
    }

    @Test
    void upperCaseFilePrefixIsAcceptedAndThePathStillKeepsItsCase() {
        AgentOptions options = parseOk("log=FILE:/Tmp/Agent.LOG", Map.of(), Map.of());

        assertEquals("file:/Tmp/Agent.LOG", options.get(AgentOption.LOG));
    }

    @Test
    void filePathFromEnvironmentKeepsItsCase() {
        AgentOptions options = parseOk(null, Map.of(), Map.of("RSEQ_AGENT_LOG", "file:/Home/User/A.log"));

        assertEquals("file:/Home/User/A.log", options.get(AgentOption.LOG));
    }

    @Test
    void whitespaceAroundKeysAndValuesIsTrimmed() {
        AgentOptions options = parseOk(" log.level = debug , log.format= json ", Map.of(), Map.of());

        assertEquals("debug", options.get(AgentOption.LOG_LEVEL));
        assertEquals("json", options.get(AgentOption.LOG_FORMAT));
    }

    @Test
    void unrelatedSystemPropertiesAndEnvironmentVariablesAreIgnored() {
        AgentOptions options = parseOk(null,
                Map.of("java.version", "17", "user.name", "root", "rseq.agentish", "x", "rseq.log.level", "debug"),
                Map.of("PATH", "/usr/bin", "HOME", "/root", "RSEQ_AGENTX", "y", "rseq_agent_log_level", "debug"));

        assertEquals(AgentOptions.defaults().toString(), options.toString());
        for (AgentOption option : AgentOption.values()) {
            assertEquals("default", options.sourceOf(option));
        }
    }

    @Test
    void optionMetadataNamesTheSystemPropertyAndEnvironmentVariable() {
        assertEquals("rseq.agent.log.level", AgentOption.LOG_LEVEL.systemProperty());
        assertEquals("RSEQ_AGENT_LOG_LEVEL", AgentOption.LOG_LEVEL.environmentVariable());
        assertEquals("rseq.agent.log", AgentOption.LOG.systemProperty());
        assertEquals("RSEQ_AGENT_LOG", AgentOption.LOG.environmentVariable());
        assertEquals("RSEQ_AGENT_LOG_FORMAT", AgentOption.LOG_FORMAT.environmentVariable());
    }

    /** mayLog decides whether start-up builds Logback before the options are parsed: never when they may turn it off. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "|||true",
        "jmx=off,jfr=off,log.format=json|||true",
        "log=file:/tmp/none.log|||true",
        "log=none|||false",
        " log = NONE |||false",
        "log.level=off|||false",
        "log.level=warn,log=stderr|||true",
        "|rseq.agent.log|none|false",
        "|rseq.agent.log.level|OFF|false",
        "|rseq.agent.jmx|off|true",
        "|RSEQ_AGENT_LOG|none|false",
        "|RSEQ_AGENT_LOG_LEVEL|off|false",
        "|RSEQ_AGENT_JFR|off|true",
    })
    void mayLogIsFalseExactlyWhenASourceTurnsLoggingOff(String args, String name, String value, boolean expected) {
        Map<String, String> props = name != null && name.startsWith("rseq.") ? Map.of(name, value) : Map.of();
        Map<String, String> env = name != null && name.startsWith("RSEQ_") ? Map.of(name, value) : Map.of();

        assertEquals(expected, OptionParser.mayLog(args, props, env));
        if (!expected) {
            assertTrue(parseOk(args, props, env).loggingOff(), "the parse agrees that logging is off");
        }
    }
}
