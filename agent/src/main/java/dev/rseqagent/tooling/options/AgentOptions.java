package dev.rseqagent.tooling.options;

import java.util.EnumMap;
import java.util.Map;

/** The options in effect: each one's value and where it came from. */
public final class AgentOptions {
    private final Map<AgentOption, String> values;
    private final Map<AgentOption, String> sources;

    AgentOptions(Map<AgentOption, String> values, Map<AgentOption, String> sources) {
        this.values = new EnumMap<>(values);
        this.sources = new EnumMap<>(sources);
    }

    /** All defaults. */
    public static AgentOptions defaults() {
        return new AgentOptions(new EnumMap<>(AgentOption.class), new EnumMap<>(AgentOption.class));
    }

    public String get(AgentOption option) {
        return values.getOrDefault(option, option.defaultValue());
    }

    /** log=none or log.level=off: nothing is logged, Logback is not even loaded. */
    public boolean loggingOff() {
        return AgentOption.LOG.turnsLoggingOff(get(AgentOption.LOG))
                || AgentOption.LOG_LEVEL.turnsLoggingOff(get(AgentOption.LOG_LEVEL));
    }

    /** "agent argument", "system property", "environment" or "default". */
    public String sourceOf(AgentOption option) {
        return sources.getOrDefault(option, "default");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (AgentOption option : AgentOption.values()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(option.key()).append('=').append(get(option));
        }
        return sb.toString();
    }
}
