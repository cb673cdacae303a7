package dev.appcare.notifier.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Rule N7, the time half: times in messages are the local time of the airport concerned, never UTC and
 * never the traveller's phone zone (a traveller in New York reads "departs 14:35" for Amsterdam as
 * Amsterdam time, as on the airport screens).
 *
 * <p>Times are 24-hour {@code HH:mm}, as airlines print them. A time on another local day than the
 * flight's scheduled departure day gets the day added, localised: {@code 01:10 (24 Nov)} for English,
 * {@code 01:10 (24 nov)} for Dutch, so an overnight delay is not read as the same evening.
 */
public final class LocalTimeFormatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private LocalTimeFormatter() {
    }

    /**
     * @param referenceDay the local day the traveller has in mind (the scheduled departure day)
     * @param language     the WhatsApp template language the text is in, e.g. {@code nl} or {@code pt_BR}
     */
    public static String time(Instant instant, ZoneId zone, LocalDate referenceDay, String language) {
        ZonedDateTime local = instant.atZone(zone);
        String time = TIME.format(local);
        if (referenceDay == null || local.toLocalDate().equals(referenceDay)) {
            return time;
        }
        return time + " (" + DateTimeFormatter.ofPattern("d MMM", locale(language)).format(local) + ")";
    }

    /** A day, e.g. {@code 23 Nov 2026} in English or {@code 23 nov 2026} in Dutch. */
    public static String date(Instant instant, ZoneId zone, String language) {
        return DateTimeFormatter.ofPattern("d MMM yyyy", locale(language)).format(instant.atZone(zone));
    }

    /** The local day of an instant at an airport. */
    public static LocalDate localDay(Instant instant, ZoneId zone) {
        return instant.atZone(zone).toLocalDate();
    }

    /** WhatsApp's {@code pt_BR} as a Java locale. */
    static Locale locale(String language) {
        return language == null ? Locale.ENGLISH : Locale.forLanguageTag(language.replace('_', '-'));
    }
}
