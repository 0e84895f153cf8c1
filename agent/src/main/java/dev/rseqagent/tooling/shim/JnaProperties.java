package dev.rseqagent.tooling.shim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system properties as the agent's own JNA sees them: its calls of
 * {@code System.getProperty}, {@code System.setProperty} and
 * {@code Boolean.getBoolean} are pointed here when the class pack is written.
 * JNA's own keys ({@code jna.*}, {@code jnidispatch.*}) and whatever JNA sets
 * live in a map of the agent's ({@link JnaBoot} fills it): the application's
 * JNA settings do not reach the agent's JNA, and what the agent's JNA sets or
 * records does not reach the application's. Other keys are the JVM's.
 */
public final class JnaProperties {
    private static final Map<String, String> OWN = new ConcurrentHashMap<>();

    private JnaProperties() {
    }

    /** The agent's settings for its JNA, before JNA's classes initialise. */
    static void set(Map<String, String> settings) {
        OWN.putAll(settings);
    }

    public static String getProperty(String key) {
        boolean own = key.startsWith("jna.") || key.startsWith("jnidispatch.") || OWN.containsKey(key);
        return own ? OWN.get(key) : System.getProperty(key);
    }

    public static String getProperty(String key, String otherwise) {
        String value = getProperty(key);
        return value != null ? value : otherwise;
    }

    /** Private, whatever the key: the JVM's properties are not the agent's JNA's to change. */
    public static String setProperty(String key, String value) {
        String before = getProperty(key);
        OWN.put(key, value);
        return before;
    }

    /** As Boolean.getBoolean: true only for "true", in any case. */
    public static boolean getBoolean(String key) {
        return key != null && !key.isEmpty() && Boolean.parseBoolean(getProperty(key));
    }
}
