package dev.rseqagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rseqagent.tooling.fixture.JulGlobalUser;
import dev.rseqagent.tooling.fixture.JulUser;
import dev.rseqagent.tooling.fixture.Packed;
import dev.rseqagent.tooling.fixture.PropertyUser;
import dev.rseqagent.tooling.log.JulLoggerStandIn;
import dev.rseqagent.tooling.shim.JnaProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class PackIsolationTest {
    private static final String JUL_USER = "dev/rseqagent/tooling/fixture/JulUser";
    private static final String PACKED = "dev/rseqagent/tooling/fixture/Packed";

    @Test
    void javaUtilLoggingsLoggerBecomesTheStandInWhichLogsToTheAgentsLog() throws Exception {
        TreeMap<String, byte[]> classes = withStandIns();
        classes.put(JUL_USER, classFile(JulUser.class));
        byte[] packed = classFile(Packed.class);
        classes.put(PACKED, packed);

        PackIsolation.apply(classes);

        byte[] isolated = classes.get(JUL_USER);
        assertFalse(contains(isolated, "java/util/logging/"), "neither Logger nor Level: java.logging is not needed");
        assertTrue(contains(isolated, PackIsolation.LOGGER_STAND_IN));
        assertTrue(contains(isolated, PackIsolation.LEVEL_STAND_IN));
        assertSame(packed, classes.get(PACKED), "a class that uses nothing of it is left as it was");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Logger agentLog = new LoggerContext().getLogger("rseq-agent");
        agentLog.setLevel(Level.INFO);
        agentLog.addAppender(seen);
        JulLoggerStandIn.sendTo(agentLog);
        try {
            assertEquals("true", run(JUL_USER, isolated), "INFO is loggable where the agent logs at INFO");
        } finally {
            JulLoggerStandIn.sendTo(NOPLogger.NOP_LOGGER);
        }
        assertEquals(List.of("WARN dev.rseqagent.tooling.fixture.JulUser: found lib in /dir"),
                seen.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
    }

    @Test
    void jnasPropertyCallsReadAndWriteTheAgentsOwnPropertiesNotTheJvms() throws Exception {
        byte[] original = classFile(PropertyUser.class);
        assertNull(PackIsolation.isolate(original, false), "only JNA's classes have their property calls retargeted");
        byte[] isolated = PackIsolation.isolate(original, true);
        assertTrue(contains(isolated, PackIsolation.PROPERTIES_STAND_IN));
        System.setProperty("jna.boot.library.path", "/the/apps/dir");
        System.setProperty("jna.nosys", "true");
        try {
            String seen = run("dev/rseqagent/tooling/fixture/PropertyUser", isolated);
            assertEquals("null,default,false,null,true," + System.getProperty("java.specification.version"), seen,
                    "the application's jna.* settings are not seen; the JVM's other properties are");
            assertNull(System.getProperty("jna.loaded"), "what JNA sets stays private");
            assertEquals("true", JnaProperties.getProperty("jna.loaded"));
        } finally {
            System.clearProperty("jna.boot.library.path");
            System.clearProperty("jna.nosys");
        }
    }

    @Test
    void aMemberTheStandInLacksOrNoStandInFailsTheBuild() throws IOException {
        TreeMap<String, byte[]> classes = new TreeMap<>();
        classes.put("dev/rseqagent/tooling/fixture/JulGlobalUser", classFile(JulGlobalUser.class));
        IllegalStateException noStandIn = assertThrows(IllegalStateException.class, () -> PackIsolation.apply(classes));
        assertTrue(noStandIn.getMessage().contains("which is not among the classes packed"), noStandIn.getMessage());

        classes.putAll(withStandIns());
        IllegalStateException lacking = assertThrows(IllegalStateException.class, () -> PackIsolation.apply(classes));
        assertEquals("dev/rseqagent/tooling/fixture/JulGlobalUser uses [static getGlobal ()L"
                + PackIsolation.LOGGER_STAND_IN + ";, warning (Ljava/lang/String;)V], which "
                + PackIsolation.LOGGER_STAND_IN + " does not declare", lacking.getMessage());
    }

    private static TreeMap<String, byte[]> withStandIns() throws IOException {
        TreeMap<String, byte[]> classes = new TreeMap<>();
        classes.put(PackIsolation.LOGGER_STAND_IN, classFile(JulLoggerStandIn.class));
        classes.put(PackIsolation.LEVEL_STAND_IN, classFile(JulLoggerStandIn.Level.class));
        classes.put(PackIsolation.PROPERTIES_STAND_IN, classFile(JnaProperties.class));
        return classes;
    }

    /** Defines the class from these bytes (its stand-ins resolve to the test's own) and calls its get(). */
    @SuppressWarnings("unchecked")
    private static String run(String path, byte[] classFile) throws ReflectiveOperationException {
        Class<?> defined = new ClassLoader(PackIsolationTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(path.replace('/', '.'), classFile, 0, classFile.length);
            }
        }.define();
        return ((Supplier<String>) defined.getDeclaredConstructor().newInstance()).get();
    }

    private static byte[] classFile(Class<?> c) throws IOException {
        String file = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class"; // Outer$Nested.class
        try (InputStream in = c.getResourceAsStream(file)) {
            return in.readAllBytes();
        }
    }

    private static boolean contains(byte[] classFile, String name) {
        return new String(classFile, StandardCharsets.ISO_8859_1).contains(name);
    }
}
