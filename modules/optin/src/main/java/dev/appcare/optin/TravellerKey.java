package dev.appcare.optin;

import dev.appcare.model.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The traveller a request is about, from the path: booking reference (PNR) and passenger id. The record
 * key on {@code traveller.preference.v1} is {@link Keys#travellerKey} of the two.
 */
record TravellerKey(String pnr, String passengerId) {
    private static final Pattern PNR = Pattern.compile("[A-Z0-9]{5,8}");
    private static final Pattern PASSENGER_ID = Pattern.compile("[A-Za-z0-9]{1,8}");

    /** Validates the path parameters; a PNR is case-insensitive and kept in capitals, as reservation systems do. */
    static TravellerKey of(String pnr, String passengerId) {
        String upper = pnr == null ? "" : pnr.toUpperCase(Locale.ROOT);
        List<InvalidParam> invalid = new ArrayList<>();
        if (!PNR.matcher(upper).matches()) {
            invalid.add(new InvalidParam("pnr", "must be a booking reference of 5 to 8 letters and digits"));
        }
        if (passengerId == null || !PASSENGER_ID.matcher(passengerId).matches()) {
            invalid.add(new InvalidParam("passengerId", "must be 1 to 8 letters and digits"));
        }
        if (!invalid.isEmpty()) {
            throw ProblemException.invalid(invalid);
        }
        return new TravellerKey(upper, passengerId);
    }

    /** {@code ABC123/1}: the record key. */
    String key() {
        return Keys.travellerKey(pnr, passengerId);
    }

    @Override
    public String toString() {
        return key();
    }
}
