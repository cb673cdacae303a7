package dev.appcare.model.rules;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.DeadLetterType;
import dev.appcare.model.Keys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rule N10, the semantic half: records that decode fine but cannot be acted on. Each check returns the
 * {@link Rejection} that sends the record to the dead-letter topic, or empty. (Bytes that do not decode
 * at all are the other half, handled where records are read.)
 *
 * <p>There is no airport reference list in AppCare, so an "unknown airport" is a code that is not three
 * IATA letters or does not match the flight key, and an unknown time zone is anything that is not an
 * IANA region id ({@code Europe/Amsterdam}; offsets such as {@code +01:00} change with daylight saving
 * and are refused). A flight event whose key is not a flight key, or names another flight than its
 * value, is about an unknown flight.
 *
 * <p>Sanity limits (a record that passes them can always be processed and written): no string is longer
 * than {@value #MAX_STRING} characters ({@link Rejection#FIELD_TOO_LONG}); every time of a flight event or
 * boarding pass lies near the flight's day — the date in its flight key — (leg and boarding times from
 * {@link #LEG_TIMES_BEFORE} before to {@link #LEG_TIMES_AFTER} after that day, event times up to
 * {@link #EVENT_TIME_BEFORE} before it and {@link #EVENT_TIME_AFTER} after), and no time of a segment or
 * a preference is past the year 2200 ({@link Rejection#IMPLAUSIBLE_TIME}).
 */
public final class InputRules {
    private static final Pattern AIRPORT = Pattern.compile("[A-Z]{3}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4})?");
    private static final Set<String> IANA_ZONES = ZoneId.getAvailableZoneIds();

    /**
     * Whether {@code phone} is a phone number in the form every topic carries it: E.164, a {@code +}, a country
     * code that does not start with 0, 7 to 15 digits in all, nothing else ({@code +31612345678}). The opt-in
     * API normalises what travellers type to this form; the notifier (a preference's number) and care (an
     * inbound message's sender, an agent reply's number) refuse any other with this one check, so neither
     * accepts a number the other would refuse.
     */
    public static boolean isE164(String phone) {
        return phone != null && E164.matcher(phone).matches();
    }

    /** The longest string any input field may hold. */
    public static final int MAX_STRING = 1024;
    static final Duration LEG_TIMES_BEFORE = Duration.ofDays(2);
    static final Duration LEG_TIMES_AFTER = Duration.ofDays(4);
    static final Duration EVENT_TIME_BEFORE = Duration.ofDays(400);
    static final Duration EVENT_TIME_AFTER = Duration.ofDays(7);
    private static final Instant LATEST_PLAUSIBLE = Instant.parse("2200-01-01T00:00:00Z");

    private InputRules() {
    }

    public static Optional<Rejection> flightStatus(String key, FlightStatusEvent event) {
        if (event == null) {
            return reject(DeadLetterType.MISSING_VALUE, "flight-status records cannot be tombstones (key '" + key + "')");
        }
        Optional<Rejection> strings = saneStrings("", event);
        if (strings.isPresent()) {
            return strings;
        }
        if (!Keys.isFlightKey(key)) {
            return reject(DeadLetterType.UNKNOWN_FLIGHT, "record key '" + key + "' is not a flight key like KL1234/2026-11-23/AMS");
        }
        if (!key.equals(event.getFlightKey())) {
            return reject(DeadLetterType.UNKNOWN_FLIGHT, "record key '" + key + "' and flightKey '" + event.getFlightKey() + "' differ");
        }
        String designator = key.substring(0, key.indexOf('/'));
        if (!designator.equals(event.getCarrier() + event.getFlightNumber())) {
            return reject(DeadLetterType.UNKNOWN_FLIGHT, "flight key '" + key + "' does not match carrier '" + event.getCarrier()
                    + "' and number '" + event.getFlightNumber() + "'");
        }
        Optional<Rejection> departure = legEnd("departure", event.getDeparture());
        if (departure.isPresent()) {
            return departure;
        }
        if (!key.endsWith("/" + event.getDeparture().getAirport())) {
            return reject(DeadLetterType.UNKNOWN_AIRPORT, "departure airport '" + event.getDeparture().getAirport()
                    + "' is not the one of flight key '" + key + "'");
        }
        Optional<Rejection> arrival = legEnd("arrival", event.getArrival());
        if (arrival.isPresent()) {
            return arrival;
        }
        if (event.getSequence() < 0) {
            return reject(DeadLetterType.INVALID_FIELD, "sequence " + event.getSequence() + " is negative");
        }
        if (event.getStatus() == FlightStatus.DIVERTED) {
            if (event.getDiversion() == null) {
                return reject(DeadLetterType.MISSING_FIELD, "status DIVERTED without diversion details");
            }
            if (!AIRPORT.matcher(event.getDiversion().getAirport()).matches()) {
                return reject(DeadLetterType.UNKNOWN_AIRPORT, "diversion airport '" + event.getDiversion().getAirport()
                        + "' is not an IATA airport code");
            }
            if (!IANA_ZONES.contains(event.getDiversion().getTimeZone())) {
                return reject(DeadLetterType.UNKNOWN_TIME_ZONE, "diversion time zone '" + event.getDiversion().getTimeZone()
                        + "' is not an IANA time-zone id");
            }
        }
        LocalDate day = flightDay(key);
        return firstOf(
                near("eventTime", event.getEventTime(), day, EVENT_TIME_BEFORE, EVENT_TIME_AFTER),
                legTimes("departure", event.getDeparture(), day),
                legTimes("arrival", event.getArrival(), day));
    }

    private static Optional<Rejection> legTimes(String which, FlightLegEnd end, LocalDate day) {
        return firstOf(
                near(which + ".scheduled", end.getScheduled(), day, LEG_TIMES_BEFORE, LEG_TIMES_AFTER),
                near(which + ".estimated", end.getEstimated(), day, LEG_TIMES_BEFORE, LEG_TIMES_AFTER),
                near(which + ".actual", end.getActual(), day, LEG_TIMES_BEFORE, LEG_TIMES_AFTER));
    }

    /** A time (null: absent, fine) within [day - before, day + 1 day + after], UTC. */
    private static Optional<Rejection> near(String field, Instant time, LocalDate day, Duration before, Duration after) {
        if (time == null || day == null) {
            return Optional.empty();
        }
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        if (time.isBefore(start.minus(before)) || time.isAfter(start.plus(Duration.ofDays(1)).plus(after))) {
            return reject(DeadLetterType.IMPLAUSIBLE_TIME, field + " " + time + " is far outside the flight's day " + day);
        }
        return Optional.empty();
    }

    private static Optional<Rejection> notAbsurd(String field, Instant time) {
        return time != null && time.isAfter(LATEST_PLAUSIBLE)
                ? reject(DeadLetterType.IMPLAUSIBLE_TIME, field + " " + time + " is not a plausible time")
                : Optional.empty();
    }

    /** The date of a flight key ({@code KL1234/2026-11-23/AMS}), or null. */
    public static LocalDate flightDay(String flightKey) {
        if (flightKey == null) {
            return null;
        }
        int first = flightKey.indexOf('/');
        int last = flightKey.lastIndexOf('/');
        if (first < 0 || last <= first) {
            return null;
        }
        try {
            return LocalDate.parse(flightKey.substring(first + 1, last));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Every string in the record (nested records, arrays, unions included) at most {@value #MAX_STRING} chars. */
    public static Optional<Rejection> saneStrings(String path, GenericRecord record) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Optional<Rejection> r = saneValue(path + field.name(), record.get(field.pos()));
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private static Optional<Rejection> saneValue(String path, Object value) {
        if (value instanceof CharSequence text && text.length() > MAX_STRING) {
            return reject(DeadLetterType.FIELD_TOO_LONG, path + " is " + text.length() + " characters long (at most "
                    + MAX_STRING + ")");
        }
        if (value instanceof GenericRecord nested) {
            return saneStrings(path + ".", nested);
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                Optional<Rejection> r = saneValue(path + "[]", item);
                if (r.isPresent()) {
                    return r;
                }
            }
        }
        return Optional.empty();
    }

    /** The first rejection of these checks, in order; empty when none rejects. */
    @SafeVarargs
    public static Optional<Rejection> firstOf(Optional<Rejection>... checks) {
        for (Optional<Rejection> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }

    private static Optional<Rejection> legEnd(String which, FlightLegEnd end) {
        if (!AIRPORT.matcher(end.getAirport()).matches()) {
            return reject(DeadLetterType.UNKNOWN_AIRPORT, which + " airport '" + end.getAirport() + "' is not an IATA airport code");
        }
        if (!IANA_ZONES.contains(end.getTimeZone())) {
            return reject(DeadLetterType.UNKNOWN_TIME_ZONE, which + " time zone '" + end.getTimeZone()
                    + "' of " + end.getAirport() + " is not an IANA time-zone id");
        }
        return Optional.empty();
    }

    /** A segment, or a tombstone ({@code segment == null}) that still needs a usable key. */
    public static Optional<Rejection> passengerSegment(String key, PassengerSegment segment) {
        int bar = key == null ? -1 : key.indexOf('|');
        if (bar < 0 || !Keys.isTravellerKey(key.substring(0, bar)) || !Keys.isFlightKey(key.substring(bar + 1))) {
            return reject(DeadLetterType.INVALID_KEY, "record key '" + key + "' is not travellerKey|flightKey");
        }
        if (segment != null && !key.equals(Keys.segmentKey(segment.getTravellerKey(), segment.getFlightKey()))) {
            return reject(DeadLetterType.INVALID_KEY, "record key '" + key + "' does not match the segment's "
                    + segment.getTravellerKey() + "|" + segment.getFlightKey());
        }
        if (segment != null) {
            return firstOf(saneStrings("", segment), notAbsurd("updatedAt", segment.getUpdatedAt()));
        }
        return Optional.empty();
    }

    /** A preference, or a tombstone (an erasure) that still needs a usable key. */
    public static Optional<Rejection> travellerPreference(String key, TravellerPreference preference) {
        if (preference == null && Keys.COMPACTION_TICK.equals(key)) {
            return Optional.empty(); // erases nobody; rolls the preference store's changelog (ErasureBound)
        }
        if (!Keys.isTravellerKey(key)) {
            return reject(DeadLetterType.INVALID_KEY, "record key '" + key + "' is not a traveller key like ABC123/1");
        }
        if (preference == null) {
            return Optional.empty();
        }
        if (!key.equals(preference.getTravellerKey())) {
            return reject(DeadLetterType.INVALID_KEY, "record key '" + key + "' and travellerKey '"
                    + preference.getTravellerKey() + "' differ");
        }
        if (!isE164(preference.getPhoneE164())) {
            return reject(DeadLetterType.INVALID_PREFERENCE, "phone number is not in E.164 form");
        }
        if (!LOCALE.matcher(preference.getLocale()).matches()) {
            return reject(DeadLetterType.INVALID_PREFERENCE, "locale '" + preference.getLocale() + "' is not a language code like nl or pt_BR");
        }
        return firstOf(saneStrings("", preference), notAbsurd("updatedAt", preference.getUpdatedAt()),
                notAbsurd("optedOutAt", preference.getOptedOutAt()));
    }

    public static Optional<Rejection> boardingPass(String key, BoardingPassIssued pass) {
        if (pass == null) {
            return reject(DeadLetterType.MISSING_VALUE, "boarding-pass records cannot be tombstones (key '" + key + "')");
        }
        if (!Keys.isTravellerKey(key) || !key.equals(pass.getTravellerKey())) {
            return reject(DeadLetterType.INVALID_KEY, "record key '" + key + "' is not the pass's traveller key '"
                    + pass.getTravellerKey() + "'");
        }
        if (!Keys.isFlightKey(pass.getFlightKey())) {
            return reject(DeadLetterType.UNKNOWN_FLIGHT, "flightKey '" + pass.getFlightKey() + "' is not a flight key like KL1234/2026-11-23/AMS");
        }
        if (!AIRPORT.matcher(pass.getDepartureAirport()).matches()
                || !pass.getFlightKey().endsWith("/" + pass.getDepartureAirport())) {
            return reject(DeadLetterType.UNKNOWN_AIRPORT, "departure airport '" + pass.getDepartureAirport()
                    + "' is not the one of flight key '" + pass.getFlightKey() + "'");
        }
        if (!IANA_ZONES.contains(pass.getDepartureTimeZone())) {
            return reject(DeadLetterType.UNKNOWN_TIME_ZONE, "departure time zone '" + pass.getDepartureTimeZone()
                    + "' is not an IANA time-zone id");
        }
        if (pass.getIssueSequence() < 1) {
            return reject(DeadLetterType.INVALID_BOARDING_PASS, "issueSequence " + pass.getIssueSequence() + " is below 1");
        }
        if (!pass.getDocumentUrl().startsWith("https://")) {
            return reject(DeadLetterType.INVALID_BOARDING_PASS, "documentUrl is not an https link (WhatsApp fetches it)");
        }
        LocalDate day = flightDay(pass.getFlightKey());
        return firstOf(saneStrings("", pass),
                near("eventTime", pass.getEventTime(), day, EVENT_TIME_BEFORE, LEG_TIMES_AFTER),
                near("scheduledDeparture", pass.getScheduledDeparture(), day, LEG_TIMES_BEFORE, LEG_TIMES_AFTER),
                near("boardingTime", pass.getBoardingTime(), day, LEG_TIMES_BEFORE, LEG_TIMES_AFTER));
    }

    private static Optional<Rejection> reject(DeadLetterType type, String reason) {
        return Optional.of(new Rejection(type, reason));
    }
}
