package dev.rseqagent.it.apps;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An application with its own SLF4J + Logback and its own logback.xml (pattern "APP ..." on stdout). */
public final class LoggingApp {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingApp.class);

    public static void main(String[] args) throws Exception {
        LOG.info("hello from the app");
        Thread worker = new Thread(() -> LOG.warn("worker says hi"), "app-worker");
        worker.start();
        worker.join();
        LOG.debug("debug is below the app's level");
    }
}
