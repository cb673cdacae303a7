package dev.appcare.ops.rules;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The time arguments of the ops commands, as {@code kafka-consumer-groups} takes them where it can:
 * an ISO-8601 instant with an offset ({@code 2026-11-23T06:00:00Z}, {@code 2026-11-23T07:00+01:00}),
 * a local date-time or a date read as UTC ({@code 2026-11-23T06:00}, {@code 2026-11-23}), {@code now},
 * or {@code now-<ISO duration>} ({@code now-PT2H}). Durations are ISO-8601 ({@code PT30M}, {@code P1D}).
 */
public final class TimeArgs {

    private TimeArgs() {
    }

    public static Instant instant(String text, Clock clock) {
        String t = text.trim();
        try {
            if (t.equalsIgnoreCase("now")) {
                return clock.instant();
            }
            if (t.regionMatches(true, 0, "now-", 0, 4)) {
                return clock.instant().minus(duration(t.substring(4)));
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$") && t.contains("T")) {
                return OffsetDateTime.parse(t).toInstant();
            }
            if (t.contains("T")) {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            }
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time: use e.g. 2026-11-23T06:00:00Z, "
                    + "2026-11-23T06:00 (UTC), 2026-11-23, now or now-PT2H");
        }
    }

    public static Duration duration(String text) {
        try {
            Duration d = Duration.parse(text.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException("'" + text + "': give the duration to go back as a positive value");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration: use e.g. PT30M, PT2H, P1D");
        }
    }
}
