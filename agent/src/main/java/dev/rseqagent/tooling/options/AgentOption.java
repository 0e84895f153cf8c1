package dev.rseqagent.tooling.options;

import java.util.Locale;

/**
 * Every agent option, defined once: its key, default, accepted values and
 * meaning. The README's options table lists the same rows.
 */
public enum AgentOption {
    LOG_LEVEL("log.level", "info", "off|error|warn|info|debug|trace"),
    LOG("log", "stderr", "stderr|none|file:<path>"),
    LOG_FORMAT("log.format", "text", "text|json"),
    /** Package prefixes whose allocation calls are rewritten; none: the agent only diagnoses. */
    PACKAGES("packages", "", PackageList.FORM),
    /** Package prefixes left alone even inside {@link #PACKAGES}. */
    EXCLUDE("exclude", "", PackageList.FORM),
    /** Also rewrite JNA's Native.malloc/free (native code that free()s those pointers breaks). */
    JNA("jna", "off", "on|off"),
    /** How rewritten calls reach the shim: FFM critical downcalls on JDK 22+ (auto), or JNI. */
    FACADE("facade", "auto", "auto|jni|ffm"),
    /** The MBean dev.rseqagent:type=RseqAgent, once the platform MBeanServer exists. */
    JMX("jmx", "on", "on|off"),
    /** JFR events (ownership lines, allocator statistics every second), once a recording exists. */
    JFR("jfr", "on", "on|off");

    private final String key;
    private final String defaultValue;
    private final String accepted;
    AgentOption(String key, String defaultValue, String accepted) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.accepted = accepted;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** The accepted values, as the error line and the README show them. */
    public String accepted() {
        return accepted;
    }

    /** One of the accepted words, or a non-empty value after a {@code prefix:<...>} form. */
    boolean accepts(String value) {
        if (accepted.equals(PackageList.FORM)) {
            return PackageList.isValid(value);
        }
        for (String form : accepted.split("\\|")) {
            int placeholder = form.indexOf('<');
            boolean ok = placeholder < 0 ? value.equals(form)
                    : value.startsWith(form.substring(0, placeholder)) && value.length() > placeholder;
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /** Names are case-insensitive; a file path and package names keep their case. */
    String normalize(String rawValue) {
        String value = rawValue.trim();
        if (accepted.equals(PackageList.FORM)) {
            return value;
        }
        if (value.regionMatches(true, 0, "file:", 0, "file:".length())) {
            return "file:" + value.substring("file:".length());
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** {@code -Drseq.agent.<key>} */
    public String systemProperty() {
        return OptionParser.PROPERTY_PREFIX + key;
    }

    /** {@code RSEQ_AGENT_<KEY>}, dots as underscores. */
    public String environmentVariable() {
        return OptionParser.ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Whether this option with this (normalised) value turns the agent's logging off. */
    public boolean turnsLoggingOff(String value) {
        return (this == LOG && value.equals("none")) || (this == LOG_LEVEL && value.equals("off"));
    }

    static AgentOption byKey(String key) {
        for (AgentOption option : values()) {
            if (option.key.equals(key)) {
                return option;
            }
        }
        return null;
    }

    static AgentOption byEnvironmentVariable(String name) {
        for (AgentOption option : values()) {
            if (option.environmentVariable().equals(name)) {
                return option;
            }
        }
        return null;
    }

    /** "log.level=off|error|..., log=..., ..." for error lines. */
    static String synopsis() {
        StringBuilder sb = new StringBuilder();
        for (AgentOption option : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(option.key).append('=').append(option.accepted);
        }
        return sb.toString();
    }
}
