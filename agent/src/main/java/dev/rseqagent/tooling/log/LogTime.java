package dev.rseqagent.tooling.log;

/**
 * Timestamps for the agent's lines, in UTC, without java.time or TimeZone:
 * formatters, zone providers and the time-zone database cost ~30 ms of class
 * loading and I/O on the application's start-up path, for one fixed format.
 */
final class LogTime {
    private LogTime() {
    }

    /** The text up to the milliseconds of one second: lines come in bursts, and cold code runs slowly. */
    private static final class Second {
        final long epochSecond;
        final String upToMillis; // yyyy-MM-ddTHH:mm:ss.

        Second(long epochSecond, String upToMillis) {
            this.epochSecond = epochSecond;
            this.upToMillis = upToMillis;
        }
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    /** yyyy-MM-ddTHH:mm:ss.SSSZ (UTC), as Instant.toString() prints whole milliseconds. */
    static void appendIsoUtc(StringBuilder sb, long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000L);
        Second second = last;
        if (second.epochSecond != epochSecond) {
            second = new Second(epochSecond, upToMillis(epochSecond));
            last = second;
        }
        three(sb.append(second.upToMillis), Math.floorMod(epochMillis, 1000L)).append('Z');
    }

    private static String upToMillis(long epochSecond) {
        StringBuilder sb = new StringBuilder(20);
        long days = Math.floorDiv(epochSecond, 86_400L);
        long secondOfDay = Math.floorMod(epochSecond, 86_400L);
        // civil-from-days (proleptic Gregorian), era of 400 years
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        sb.append(year).append('-');
        two(sb, month).append('-');
        two(sb, day).append('T');
        two(sb, secondOfDay / 3600).append(':');
        two(sb, secondOfDay / 60 % 60).append(':');
        two(sb, secondOfDay % 60).append('.');
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, long v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static StringBuilder three(StringBuilder sb, long v) {
        return sb.append((char) ('0' + v / 100)).append((char) ('0' + v / 10 % 10)).append((char) ('0' + v % 10));
    }
}
