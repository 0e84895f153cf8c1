package dev.rseqagent.boot;

/**
 * What the agent asked of the facade, set once before the facade is first
 * used (its static finals are then fixed for the life of the JVM).
 */
public final class FacadeConfig {
    /** "auto" (FFM critical downcalls on JDK 22+, else JNI), "jni" or "ffm". */
    static volatile String requestedPath = "auto";

    private FacadeConfig() {
    }

    public static void requestPath(String path) {
        requestedPath = path;
    }
}
