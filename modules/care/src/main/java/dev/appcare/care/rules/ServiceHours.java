package dev.appcare.care.rules;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When one market's care desk is staffed (rule C1): opening hours per weekday in the market's time zone,
 * holidays that close the desk or shorten the day (every year on a {@link MonthDay}, or on one date), and
 * the usual answer time while open.
 *
 * @param market         market code, e.g. NL
 * @param zone           the market's time zone; hours and holidays are local to it
 * @param phonePrefixes  E.164 prefixes of travellers served by this market, e.g. +31
 * @param weekly         opening hours per weekday; a missing day is closed
 * @param yearlyHolidays hours on a date every year (empty = closed), e.g. 12-25 closed
 * @param datedHolidays  hours on one date (empty = closed), e.g. Easter Monday 2027
 * @param expectedAnswer how long an answer usually takes while agents are on duty
 */
public record ServiceHours(String market, ZoneId zone, List<String> phonePrefixes, Map<DayOfWeek, Hours> weekly,
                           Map<MonthDay, Optional<Hours>> yearlyHolidays, Map<LocalDate, Optional<Hours>> datedHolidays,
                           Duration expectedAnswer) {

    /** Open from {@code open} (inclusive) to {@code close} (exclusive), local time. */
    public record Hours(LocalTime open, LocalTime close) {
        public Hours {
            if (!open.isBefore(close)) {
                throw new IllegalArgumentException("opening " + open + " must be before closing " + close);
            }
        }

        /** {@code 08:00-22:00}; {@code closed} gives empty. */
        public static Optional<Hours> parse(String text) {
            if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("closed")) {
                return Optional.empty();
            }
            String[] parts = text.trim().split("-");
            if (parts.length != 2) {
                throw new IllegalArgumentException("hours must be HH:MM-HH:MM or closed, not '" + text + "'");
            }
            return Optional.of(new Hours(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim())));
        }

        boolean contains(LocalTime time) {
            return !time.isBefore(open) && time.isBefore(close);
        }

        @Override
        public String toString() {
            return open + "–" + close;
        }
    }

    /**
     * @param open           agents are on duty now
     * @param nextOpening    when they are next on duty (now, if open)
     * @param closesAt       when the desk closes today, if open
     * @param expectedAnswer usual answer time if open
     */
    public record Availability(boolean open, ZonedDateTime nextOpening, ZonedDateTime closesAt, Duration expectedAnswer) {
    }

    public ServiceHours {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(zone, "zone");
        phonePrefixes = List.copyOf(phonePrefixes);
        weekly = weekly.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(weekly));
        yearlyHolidays = Map.copyOf(yearlyHolidays);
        datedHolidays = Map.copyOf(datedHolidays);
        Objects.requireNonNull(expectedAnswer, "expectedAnswer");
    }

    /** The hours of one local date: a dated holiday, else a yearly holiday, else the weekday's hours. */
    public Optional<Hours> hoursOn(LocalDate date) {
        if (datedHolidays.containsKey(date)) {
            return datedHolidays.get(date);
        }
        MonthDay day = MonthDay.from(date);
        if (yearlyHolidays.containsKey(day)) {
            return yearlyHolidays.get(day);
        }
        return Optional.ofNullable(weekly.get(date.getDayOfWeek()));
    }

    public Availability availability(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        Optional<Hours> today = hoursOn(local.toLocalDate());
        if (today.isPresent() && today.get().contains(local.toLocalTime())) {
            return new Availability(true, local, local.toLocalDate().atTime(today.get().close()).atZone(zone), expectedAnswer);
        }
        return new Availability(false, nextOpening(local), null, expectedAnswer);
    }

    private ZonedDateTime nextOpening(ZonedDateTime local) {
        for (int days = 0; days <= 31; days++) {
            LocalDate date = local.toLocalDate().plusDays(days);
            Optional<Hours> hours = hoursOn(date);
            if (hours.isEmpty()) {
                continue;
            }
            ZonedDateTime opening = date.atTime(hours.get().open()).atZone(zone);
            if (opening.isAfter(local)) {
                return opening;
            }
        }
        return null; // closed for a month: the texts then name no next opening
    }

    /**
     * The regular week in a traveller's language, runs of days with the same hours joined:
     * {@code "ma–vr 08:00–22:00, za–zo 09:00–18:00"}.
     */
    public String describeWeek(Locale locale) {
        List<String> parts = new ArrayList<>();
        DayOfWeek[] days = DayOfWeek.values();
        int i = 0;
        while (i < days.length) {
            Hours hours = weekly.get(days[i]);
            int j = i;
            while (j + 1 < days.length && Objects.equals(weekly.get(days[j + 1]), hours)) {
                j++;
            }
            if (hours != null) {
                String first = days[i].getDisplayName(TextStyle.SHORT, locale);
                String range = i == j ? first : first + "–" + days[j].getDisplayName(TextStyle.SHORT, locale);
                parts.add(range + " " + hours);
            }
            i = j + 1;
        }
        return String.join(", ", parts);
    }
}
