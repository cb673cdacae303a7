package dev.appcare.notifier.rules;

import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.MessageKind;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerMemory;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Rule N13, the check-in reminder: when online check-in opens ({@code lead} before the scheduled
 * departure, 30 h by default) every passenger still booked on the flight who has not checked in and whose
 * opt-in covers {@code CHECKIN_OPEN} (through {@code BOARDING_PASS}, see the consent rule) gets
 * {@code checkin_open}, once.
 *
 * <ul>
 *   <li>Scheduled per flight when the flight is first seen before check-in opens (a flight first seen
 *       after it opened gets no reminder: it would come late, and a replay must not send old reminders),
 *       moved when its schedule moves before check-in opened, dropped when the flight is cancelled
 *       ({@link #onFlight}).</li>
 *   <li>When the wall clock reaches the opening, a flight that is cancelled or has left gets nothing
 *       ({@link #atOpening}); a passenger who cancelled the booking is no longer on the roster.</li>
 *   <li>Per passenger ({@link #forPassenger}): a boarding pass already sent means checked in (a pass is
 *       issued at check-in); no consent, no reminder.</li>
 *   <li>One message id per traveller and flight ({@link #messageId}): a replay, a restart or a rescheduled
 *       opening makes the same request, which the sender sends once.</li>
 * </ul>
 *
 * @param lead          how long before the scheduled departure check-in opens
 * @param checkInterval how often the wall clock is compared with the openings
 */
public record CheckInReminder(Duration lead, Duration checkInterval) {
    public static final CheckInReminder DEFAULT = new CheckInReminder(Duration.ofHours(30), Duration.ofMinutes(1));

    public CheckInReminder {
        Objects.requireNonNull(lead, "lead");
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (lead.isNegative() || lead.isZero() || checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("the check-in lead and check interval must be positive (lead " + lead
                    + ", check interval " + checkInterval + ")");
        }
    }

    /** What a flight event does to the flight's scheduled reminder. */
    public enum Change {
        /** Nothing scheduled yet: schedule at {@link #opensAt} of the incoming state. */
        SCHEDULE,
        /** The schedule moved before check-in opened: drop the old opening, schedule the new one. */
        RESCHEDULE,
        /** The flight is now cancelled: drop the waiting reminder. */
        CANCEL,
        /** Nothing to do (unchanged schedule, or check-in already opened under the old one). */
        KEEP
    }

    /** When check-in opens for this flight. */
    public Instant opensAt(FlightView flight) {
        return flight.getScheduledDeparture().minus(lead);
    }

    /**
     * @param applied   the flight's state before this event, null when first seen
     * @param incoming  the state this event applies
     * @param wallClock the notifier's clock (not the event's time: no record can move a reminder that is due)
     */
    public Change onFlight(FlightView applied, FlightView incoming, Instant wallClock) {
        boolean cancelled = cancelled(incoming);
        boolean yetToOpen = opensAt(incoming).isAfter(wallClock);
        if (applied == null) { // first seen: only an opening still to come is announced (no late reminders on a replay)
            return cancelled || !yetToOpen ? Change.KEEP : Change.SCHEDULE;
        }
        if (cancelled) {
            return cancelled(applied) ? Change.KEEP : Change.CANCEL;
        }
        if (cancelled(applied)) { // reinstated: the dropped reminder is scheduled again, if check-in is yet to open
            return yetToOpen ? Change.SCHEDULE : Change.KEEP;
        }
        if (applied.getScheduledDeparture().equals(incoming.getScheduledDeparture())) {
            return Change.KEEP;
        }
        return opensAt(applied).isAfter(wallClock) ? Change.RESCHEDULE : Change.KEEP;
    }

    /** When check-in opened: null to announce it to the passengers, else why not. */
    public DecisionReason atOpening(FlightView flight, Instant now) {
        if (cancelled(flight)) {
            return DecisionReason.FLIGHT_CANCELLED;
        }
        FlightStatus status = FlightStatus.valueOf(flight.getStatus());
        if (status == FlightStatus.DEPARTED || status == FlightStatus.ARRIVED
                || !ExpiryPolicy.currentDeparture(flight).isAfter(now)) {
            return DecisionReason.TOO_LATE;
        }
        return null;
    }

    /** For one passenger when check-in opened: null to send, else why not. */
    public static DecisionReason forPassenger(boolean consented, PassengerMemory memory) {
        if (memory != null && memory.getBoardingPassSequence() > 0) {
            return DecisionReason.CHECKED_IN;
        }
        return consented ? null : DecisionReason.NO_CONSENT;
    }

    /** The reminder's id: one per traveller and flight, whatever event or opening led to it. */
    public static String messageId(String flightKey, String travellerKey) {
        return MessageIds.derive(MessageKind.CHECKIN_OPEN, "checkin-open|" + flightKey, travellerKey);
    }

    private static boolean cancelled(FlightView flight) {
        return FlightStatus.valueOf(flight.getStatus()) == FlightStatus.CANCELLED;
    }
}
