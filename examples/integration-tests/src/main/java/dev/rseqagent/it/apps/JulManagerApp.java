package dev.rseqagent.it.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Chooses java.util.logging's LogManager and configuration in its main, as
 * JBoss LogManager users and application servers do, once the agent's
 * start-up thread (if any) has finished: both are read once, when the
 * LogManager is first initialised, so they take effect only if nothing
 * initialised it earlier. Prints the manager's class and logs one line
 * through the configuration it set (to stderr, "JUL INFO ...").
 */
public final class JulManagerApp {
    /** The application's own LogManager. */
    public static final class AppLogManager extends LogManager {
    }

    public static void main(String[] args) throws Exception {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("rseq-agent-start")) {
                t.join(); // the agent's JNA is bound, its drainer running
            }
        }
        Path config = Files.createTempFile("jul", ".properties");
        Files.writeString(config, "handlers=java.util.logging.ConsoleHandler\n"
                + "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter\n"
                + "java.util.logging.SimpleFormatter.format=JUL %4$s %5$s%n\n");
        System.setProperty("java.util.logging.manager", AppLogManager.class.getName());
        System.setProperty("java.util.logging.config.file", config.toString());
        System.out.println("manager=" + LogManager.getLogManager().getClass().getSimpleName());
        Logger.getLogger("app").info("configured by the app");
        Files.delete(config);
    }
}
