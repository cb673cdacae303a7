package dev.appcare.notifier.rules;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.MessageKind;
import dev.appcare.notifier.avro.FlightView;
import java.time.Duration;
import java.time.Instant;

/**
 * Rule N6, the first half: when each message stops being useful. The sender never sends a request after
 * its {@code expiresAt}, and the notifier does not even emit one that is born expired (a gate change
 * processed after the flight left).
 *
 * <pre>
 *   DELAY, EARLIER_DEPARTURE   the announced departure time (news about a departure that happened is noise)
 *   BACK_ON_TIME               the scheduled departure
 *   GATE_CHANGE, BOARDING,     the current departure time (estimate, else schedule)
 *   CHECKIN_OPEN
 *   CANCELLATION               scheduled departure + 24 h (still needed to rebook that day)
 *   DIVERSION                  arrival (estimate, else schedule) + 6 h (people are waiting for news)
 *   BOARDING_PASS              scheduled departure + 2 h (this side does not see delays; a pass for a
 *                              delayed flight must stay sendable a while)
 * </pre>
 */
public final class ExpiryPolicy {
    static final Duration CANCELLATION_USEFUL_FOR = Duration.ofHours(24);
    static final Duration DIVERSION_USEFUL_FOR = Duration.ofHours(6);
    static final Duration BOARDING_PASS_GRACE = Duration.ofHours(2);

    private ExpiryPolicy() {
    }

    /**
     * @param announced the departure time the message announces (for delay and earlier departure)
     */
    public static Instant expiresAt(MessageKind kind, FlightView flight, Instant announced) {
        Instant departure = currentDeparture(flight);
        return switch (kind) {
            case DELAY, EARLIER_DEPARTURE -> announced != null ? announced : departure;
            case BACK_ON_TIME -> flight.getScheduledDeparture();
            case GATE_CHANGE, BOARDING, CHECKIN_OPEN -> departure;
            case CANCELLATION -> flight.getScheduledDeparture().plus(CANCELLATION_USEFUL_FOR);
            case DIVERSION -> (flight.getEstimatedArrival() != null ? flight.getEstimatedArrival()
                    : flight.getScheduledArrival()).plus(DIVERSION_USEFUL_FOR);
            default -> throw new IllegalArgumentException("not a flight-status message: " + kind);
        };
    }

    public static Instant expiresAt(BoardingPassIssued pass) {
        return pass.getScheduledDeparture().plus(BOARDING_PASS_GRACE);
    }

    /** The departure time as currently known: the estimate, else the schedule. */
    public static Instant currentDeparture(FlightView flight) {
        return flight.getEstimatedDeparture() != null ? flight.getEstimatedDeparture() : flight.getScheduledDeparture();
    }
}
