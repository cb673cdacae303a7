package dev.appcare.model;

import dev.appcare.avro.TravellerPreference;
import java.time.Duration;
import java.time.Instant;

/**
 * A preference is bound to the life of its booking. Airlines recycle booking references, so a preference
 * keyed {@code PNR/passengerId} kept for ever would join a later passenger with an earlier traveller's
 * phone number. The opt-in API sets {@code validUntil} = the booking's last departure plus a margin; after
 * that the preference covers no flight and an opt-in under the same key starts blank. A preference without
 * {@code validUntil} (written before the field existed, or without a known last departure) is not bound.
 */
public final class BookingLife {
    /** Default margin after the last departure (delays, a diversion, the boarding-pass of a late leg). */
    public static final Duration DEFAULT_MARGIN = Duration.ofDays(2);

    private BookingLife() {
    }

    /** End of the booking's life for its last departure, or null if that is unknown. */
    public static Instant validUntil(Instant lastDeparture, Duration margin) {
        return lastDeparture == null ? null : lastDeparture.plus(margin);
    }

    /** Whether the preference may be used for a flight departing (as scheduled) at {@code departure}. */
    public static boolean covers(TravellerPreference preference, Instant departure) {
        return preference.getValidUntil() == null || departure == null || !departure.isAfter(preference.getValidUntil());
    }

    /** Whether the booking's life is over at {@code now}: the preference is void, as if there were none. */
    public static boolean isOver(TravellerPreference preference, Instant now) {
        return preference.getValidUntil() != null && now.isAfter(preference.getValidUntil());
    }
}
