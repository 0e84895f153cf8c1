package dev.rseqagent.tooling.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogTimeTest {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneId.of("UTC"));

    @Test
    void matchesJavaTimeAcrossCenturiesLeapDaysAndEpochEdges() {
        long[] fixed = {0L, -1L, 86_399_999L, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L,
            -2_208_988_800_000L /* 1900-01-01 */, 1_795_651_200_123L};
        for (long millis : fixed) {
            check(millis);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            check(random.nextLong(-2_208_988_800_000L, 7_258_118_400_000L));
        }
    }

    @Test
    void consecutiveMillisecondsReuseTheSecondAndCrossItsEdges() {
        for (long base : new long[] {0L, 951_782_399_000L, 1_795_651_200_000L}) {
            for (long millis = base - 2_500; millis <= base + 2_500; millis++) {
                check(millis); // in order: mostly the same second as the line before
            }
        }
    }

    private static void check(long millis) {
        StringBuilder iso = new StringBuilder();
        LogTime.appendIsoUtc(iso, millis);
        assertEquals(ISO.format(Instant.ofEpochMilli(millis)), iso.toString(), "iso " + millis);
    }
}
