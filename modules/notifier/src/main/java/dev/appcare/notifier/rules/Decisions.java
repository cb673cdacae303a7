package dev.appcare.notifier.rules;

import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.notifier.avro.FlightView;
import java.time.Instant;

/**
 * The records of the decision log (rule N11): what the notifier decided about a flight event or one
 * passenger, and why. Only keys, kinds, message ids and times go in; never a phone number or a name, so
 * the {@code detail} texts below are built from times, gates and sequences only.
 */
public final class Decisions {
    private Decisions() {
    }

    /**
     * A decision about a flight event as a whole; {@code passengers} only for ANNOUNCED. {@code at} is the
     * input record's timestamp: a re-sent event is decided when it arrived, and reprocessing the same record
     * decides at the same instant.
     */
    public static NotifierDecision flight(Instant at, FlightView event, DecisionOutcome outcome, DecisionReason reason,
                                          String detail, Integer passengers) {
        return NotifierDecision.newBuilder().setAt(at).setFlightKey(event.getFlightKey())
                .setTravellerKey(null).setEventId(event.getEventId()).setOutcome(outcome).setReason(reason.name())
                .setDetail(detail).setKind(null).setMessageId(null).setPassengers(passengers).build();
    }

    /** A decision about a flight's check-in reminder as a whole (N13); {@code passengers} only for ANNOUNCED. */
    public static NotifierDecision checkIn(Instant at, FlightView flight, DecisionOutcome outcome, DecisionReason reason,
                                           String detail, Integer passengers) {
        return NotifierDecision.newBuilder(flight(at, flight, outcome, reason, detail, passengers))
                .setKind(MessageKind.CHECKIN_OPEN).build();
    }

    /** A decision about one passenger. */
    public static NotifierDecision passenger(Instant at, String flightKey, String travellerKey, String eventId,
                                             DecisionOutcome outcome, DecisionReason reason, String detail,
                                             MessageKind kind, String messageId) {
        return NotifierDecision.newBuilder().setAt(at).setFlightKey(flightKey).setTravellerKey(travellerKey)
                .setEventId(eventId).setOutcome(outcome).setReason(reason.name()).setDetail(detail).setKind(kind)
                .setMessageId(messageId).setPassengers(null).build();
    }

    /** Why an event that is not newer than the applied state is ignored (N3, N4). */
    public static NotifierDecision stale(Instant at, FlightView applied, FlightView incoming) {
        boolean duplicate = applied.getEventId().equals(incoming.getEventId());
        String detail = duplicate
                ? "event already applied (same eventId, sequence " + incoming.getSequence() + ")"
                : "sequence " + incoming.getSequence() + " observed " + incoming.getEventTime()
                        + " is not newer than the applied sequence " + applied.getSequence() + " observed " + applied.getEventTime();
        return flight(at, incoming, DecisionOutcome.SUPPRESSED, duplicate ? DecisionReason.DUPLICATE : DecisionReason.STALE,
                detail, null);
    }
}
