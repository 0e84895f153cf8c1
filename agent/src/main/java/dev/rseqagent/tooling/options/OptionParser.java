package dev.rseqagent.tooling.options;

import java.util.EnumMap;
import java.util.Map;

/**
 * One grammar for every source: {@code key=value[,key=value...]} after
 * {@code -javaagent:rseq-agent.jar=}, each key also as {@code -Drseq.agent.<key>}
 * and {@code RSEQ_AGENT_<KEY>}. Precedence: agent argument, then system
 * property, then environment. Parsing returns an error instead of throwing
 * halfway, so a bad option never leaves the agent half-configured.
 */
public final class OptionParser {
    static final String PROPERTY_PREFIX = "rseq.agent.";
    static final String ENV_PREFIX = "RSEQ_AGENT_";

    private OptionParser() {
    }

    /** Either options or an error message; exactly one is non-null. */
    public static final class Result {
        private final AgentOptions options;
        private final String error;

        private Result(AgentOptions options, String error) {
            this.options = options;
            this.error = error;
        }

        public AgentOptions options() {
            return options;
        }

        public String error() {
            return error;
        }

        public boolean ok() {
            return error == null;
        }
    }

    /**
     * The options from the agent argument, {@code systemProperties} (System.getProperties()
     * itself will do: non-string entries are skipped) and {@code environment}.
     */
    public static Result parse(String agentArgs, Map<?, ?> systemProperties, Map<String, String> environment) {
        Map<AgentOption, String> values = new EnumMap<>(AgentOption.class);
        Map<AgentOption, String> sources = new EnumMap<>(AgentOption.class);
        String error = readEnvironment(environment, values, sources);
        if (error == null) {
            error = readSystemProperties(systemProperties, values, sources);
        }
        if (error == null) {
            error = readAgentArgs(agentArgs, values, sources);
        }
        if (error != null) {
            return new Result(null, error + "; valid options: " + AgentOption.synopsis());
        }
        return new Result(new AgentOptions(values, sources), null);
    }

    /**
     * Whether the agent may log, told from the raw sources before they are
     * parsed: false if any source gives {@code log} or {@code log.level} a value
     * that turns logging off. Start-up builds the agent's Logback ahead of the
     * parse only when this is true; a wrong answer costs that work (or the head
     * start), never changes what is logged.
     */
    public static boolean mayLog(String agentArgs, Map<?, ?> systemProperties, Map<String, String> environment) {
        for (AgentOption option : new AgentOption[] {AgentOption.LOG, AgentOption.LOG_LEVEL}) {
            if (turnsLoggingOff(option, systemProperties.get(option.systemProperty()))
                    || turnsLoggingOff(option, environment.get(option.environmentVariable()))) {
                return false;
            }
        }
        if (agentArgs != null) {
            for (String item : agentArgs.split(",", -1)) {
                int eq = item.indexOf('=');
                if (eq > 0 && turnsLoggingOff(AgentOption.byKey(item.substring(0, eq).trim()), item.substring(eq + 1))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean turnsLoggingOff(AgentOption option, Object rawValue) {
        return option != null && rawValue instanceof String && option.turnsLoggingOff(option.normalize((String) rawValue));
    }

    /** By name, then the value of the few that match: entries of the JDK's environment cost a wrapper class each. */
    private static String readEnvironment(Map<String, String> env, Map<AgentOption, String> values,
            Map<AgentOption, String> sources) {
        for (String name : env.keySet()) {
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            AgentOption option = AgentOption.byEnvironmentVariable(name);
            String error = put(option, name, env.get(name), "environment", values, sources);
            if (error != null) {
                return error;
            }
        }
        return null;
    }

    private static String readSystemProperties(Map<?, ?> props, Map<AgentOption, String> values,
            Map<AgentOption, String> sources) {
        for (Object key : props.keySet()) {
            Object value = props.get(key);
            if (!(key instanceof String) || !((String) key).startsWith(PROPERTY_PREFIX) || !(value instanceof String)) {
                continue;
            }
            String name = (String) key;
            AgentOption option = AgentOption.byKey(name.substring(PROPERTY_PREFIX.length()));
            String error = put(option, "-D" + name, (String) value, "system property", values, sources);
            if (error != null) {
                return error;
            }
        }
        return null;
    }

    private static String readAgentArgs(String args, Map<AgentOption, String> values, Map<AgentOption, String> sources) {
        if (args == null || args.isEmpty()) {
            return null;
        }
        Map<AgentOption, String> seen = new EnumMap<>(AgentOption.class);
        for (String item : args.split(",", -1)) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                return "malformed agent option '" + item + "' (expected key=value)";
            }
            String key = item.substring(0, eq).trim();
            AgentOption option = AgentOption.byKey(key);
            if (option != null && seen.put(option, item) != null) {
                return "agent option '" + key + "' given twice";
            }
            String error = put(option, key, item.substring(eq + 1), "agent argument", values, sources);
            if (error != null) {
                return error;
            }
        }
        return null;
    }

    private static String put(AgentOption option, String name, String rawValue, String source,
            Map<AgentOption, String> values, Map<AgentOption, String> sources) {
        if (option == null) {
            return "unknown option '" + name + "' (" + source + ")";
        }
        String value = option.normalize(rawValue);
        if (!option.accepts(value)) {
            return "bad value '" + value + "' for option '" + name + "' (" + source + "), expected "
                    + option.accepted();
        }
        values.put(option, value);
        sources.put(option, source);
        return null;
    }
}
