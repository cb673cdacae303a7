package dev.appcare.model;

import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * The plain-string record keys of the contract. Keeping them readable means any Kafka tool (console
 * consumer, kcat) can find a flight's or a traveller's records.
 */
public final class Keys {
    private static final Pattern FLIGHT_KEY = Pattern.compile("[A-Z0-9]{2}[0-9]{1,4}[A-Z]?/\\d{4}-\\d{2}-\\d{2}/[A-Z]{3}");
    private static final Pattern TRAVELLER_KEY = Pattern.compile("[A-Z0-9]{5,8}/[A-Za-z0-9]{1,8}");

    /**
     * Key of the tombstones {@code dev.appcare.runtime.CompactionTicker} appends to every partition of a
     * compacted topic so that its segments roll and erasures get cleaned in time. It is not a traveller key;
     * readers treat it as the erasure of nobody.
     */
    public static final String COMPACTION_TICK = "~compaction-tick";

    private Keys() {
    }

    /** {@code KL1234/2026-11-23/AMS}: carrier + number, scheduled local departure date, departure airport. */
    public static String flightKey(String carrier, String flightNumber, LocalDate originDate, String departureAirport) {
        return carrier + flightNumber + "/" + originDate + "/" + departureAirport;
    }

    /** {@code ABC123/1}: booking reference (PNR) and the passenger's id within it. */
    public static String travellerKey(String pnr, String passengerId) {
        return pnr + "/" + passengerId;
    }

    /** {@code ABC123/1|KL1234/2026-11-23/AMS}: one passenger on one flight leg. */
    public static String segmentKey(String travellerKey, String flightKey) {
        return travellerKey + "|" + flightKey;
    }

    public static boolean isFlightKey(String key) {
        return key != null && FLIGHT_KEY.matcher(key).matches();
    }

    public static boolean isTravellerKey(String key) {
        return key != null && TRAVELLER_KEY.matcher(key).matches();
    }
}
