package dev.appcare.care.rules;

import java.time.Instant;

/**
 * What care knows about one of the traveller's flights, from the flight-status feed.
 *
 * @param flightKey          e.g. KL1234/2026-11-23/AMS
 * @param status             FlightStatus symbol, or null when no event was seen
 * @param scheduledDeparture scheduled departure, or null when no event was seen
 * @param estimatedDeparture latest estimate, or null
 * @param gate               departure gate, or null
 * @param zone               IANA zone of the departure airport, or null
 */
public record FlightFact(String travellerKey, String flightKey, String status, Instant scheduledDeparture,
                         Instant estimatedDeparture, String gate, String zone) {

    public Instant departure() {
        return estimatedDeparture != null ? estimatedDeparture : scheduledDeparture;
    }

    /** The flight number part of the key: KL1234. */
    public String flight() {
        int slash = flightKey.indexOf('/');
        return slash < 0 ? flightKey : flightKey.substring(0, slash);
    }
}
