package dev.rseqagent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A JDK the integration tests run on (it.jdks: JDK 17 and Temurin 25). A missing one fails the tests. */
final class Jdk {
    private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    final Path home;
    final int feature;

    private Jdk(Path home, int feature) {
        this.home = home;
        this.feature = feature;
    }

    static List<Jdk> all() {
        List<Jdk> jdks = new ArrayList<>();
        for (String home : System.getProperty("it.jdks").split(",")) {
            jdks.add(of(Path.of(home.trim())));
        }
        return jdks;
    }

    /** The JDKs of it.jdks from this feature release on; there must be one. */
    static List<Jdk> from(int feature) {
        return matching(jdk -> jdk.feature >= feature, "a JDK " + feature + "+ (Temurin 25)");
    }

    /** The JDKs of it.jdks before this feature release; there must be one. */
    static List<Jdk> before(int feature) {
        return matching(jdk -> jdk.feature < feature, "a JDK before " + feature + " (JDK 17)");
    }

    private static List<Jdk> matching(Predicate<Jdk> which, String what) {
        List<Jdk> jdks = new ArrayList<>();
        for (Jdk jdk : all()) {
            if (which.test(jdk)) {
                jdks.add(jdk);
            }
        }
        if (jdks.isEmpty()) {
            throw new IllegalStateException("it.jdks must include " + what);
        }
        return jdks;
    }

    private static Jdk of(Path home) {
        Path release = home.resolve("release");
        try {
            Matcher m = VERSION.matcher(Files.readString(release));
            if (!m.find()) {
                throw new IllegalStateException("no JAVA_VERSION in " + release);
            }
            return new Jdk(home, Integer.parseInt(m.group(1)));
        } catch (IOException e) {
            throw new IllegalStateException("JDK " + home + " is missing (it.jdks); install it or fix the path", e);
        }
    }

    Path java() {
        return home.resolve("bin/java");
    }

    /** A runtime of just these modules, linked by this JDK's jlink into {@code image} (which must not exist yet). */
    Jdk linked(Path image, String modules) throws IOException, InterruptedException {
        Process jlink = new ProcessBuilder(home.resolve("bin/jlink").toString(), "--add-modules", modules, "--output",
                image.toString()).redirectErrorStream(true).start();
        String output = new String(jlink.getInputStream().readAllBytes());
        if (jlink.waitFor() != 0) {
            throw new IllegalStateException("jlink failed: " + output);
        }
        return new Jdk(image, feature);
    }

    /** JDK 22+ warns on System.load/FFM without it; the README documents it. */
    List<String> nativeAccessFlags() {
        return feature >= 22 ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
    }

    @Override
    public String toString() {
        return "JDK " + feature;
    }
}
