package dev.appcare.notifier.rules;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.MessageKind;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides, for one passenger, which messages a flight's new state is worth, given what that passenger
 * was last told ({@link PassengerMemory}) and what they consented to. Pure: the same inputs always give
 * the same plan, which is what makes a reprocessed event produce the same message ids (N4).
 *
 * <pre>
 *   status                    message (if consented and not told yet)
 *   ------------------------  ------------------------------------------------------------
 *   SCHEDULED/DELAYED/UNKNOWN DELAY / EARLIER_DEPARTURE / BACK_ON_TIME ({@link DepartureTimeRule})
 *                             GATE_CHANGE when a gate is known and is not the one told
 *   BOARDING                  BOARDING once (it names the gate); then GATE_CHANGE if the gate moves
 *   CANCELLED                 CANCELLATION once
 *   DIVERTED                  DIVERSION once per diversion airport
 *   GATE_CLOSED/DEPARTED/...  nothing: too late for anything to be useful
 * </pre>
 *
 * Every message gets a deterministic id ({@code MessageIds.derive(kind, source event id, traveller)}),
 * an expiry ({@link ExpiryPolicy}; one born expired is dropped) and the id of the last message of its
 * {@link MessageFamily} that it supersedes. The memory is only changed by messages actually planned:
 * a passenger who did not opt in to delays was not told the delay, and will hear it if they opt in before
 * the next change of the flight.
 */
public final class NotificationPlanner {

    private final DepartureTimeRule departureTimeRule;

    public NotificationPlanner(DepartureTimeRule departureTimeRule) {
        this.departureTimeRule = Objects.requireNonNull(departureTimeRule);
    }

    /** One message to send: its id, the one it replaces, the departure time it is about, its expiry. */
    public record PlannedMessage(MessageKind kind, String messageId, String supersedes, Instant departure,
                                 Instant expiresAt) {
    }

    /**
     * A message the event could have been worth and is not sent, and why (the decision log, N11);
     * {@code kind} is null when no message was in question at all.
     */
    public record Withheld(MessageKind kind, DecisionReason reason, String detail) {
    }

    /**
     * The messages to send, what was withheld and why, and the passenger's memory afterwards (the previous
     * one when nothing is sent). A plan with no message has at least one withheld entry.
     */
    public record Plan(List<PlannedMessage> messages, PassengerMemory memory, List<Withheld> withheld) {
        public Plan {
            messages = List.copyOf(messages);
            withheld = List.copyOf(withheld);
        }

        public Plan(List<PlannedMessage> messages, PassengerMemory memory) {
            this(messages, memory, List.of());
        }

        public boolean isEmpty() {
            return messages.isEmpty();
        }
    }

    /**
     * @param flight      the flight's new state
     * @param previous    what the passenger was told so far, null when nothing
     * @param consented   whether the traveller currently accepts a kind of message
     */
    public Plan plan(FlightView flight, String travellerKey, PassengerMemory previous, Predicate<MessageKind> consented) {
        if (previous != null && flight.getSequence() <= previous.getLastSequence()) {
            // this passenger already heard about this event (or a later one)
            return new Plan(List.of(), previous, List.of(new Withheld(null, DecisionReason.ALREADY_TOLD, "event sequence "
                    + flight.getSequence() + " is not newer than sequence " + previous.getLastSequence() + " already told")));
        }
        Draft draft = new Draft(flight.getEventId(), travellerKey, flight.getEventTime(), previous);
        PassengerMemory.Builder memory = draft.memory;
        Instant departure = ExpiryPolicy.currentDeparture(flight);
        String gate = flight.getGate();
        boolean gateIsNews = gate != null && !gate.equals(memory.getToldGate());

        switch (status(flight)) {
            case CANCELLED -> {
                if (!memory.getCancellationTold() && draft.consented(consented, MessageKind.CANCELLATION)) {
                    draft.add(MessageKind.CANCELLATION, flight.getScheduledDeparture(), flight,
                            () -> memory.setCancellationTold(true));
                }
            }
            case DIVERTED -> {
                String airport = flight.getDiversionAirport();
                if (airport != null && !airport.equals(memory.getToldDiversionAirport())
                        && draft.consented(consented, MessageKind.DIVERSION)) {
                    draft.add(MessageKind.DIVERSION, departure, flight, () -> memory.setToldDiversionAirport(airport));
                }
            }
            case BOARDING -> {
                if (!memory.getBoardingTold() && draft.consented(consented, MessageKind.BOARDING)) {
                    draft.add(MessageKind.BOARDING, departure, flight, () -> {
                        memory.setBoardingTold(true);
                        memory.setToldGate(gate);
                    });
                } else if (gateIsNews && draft.consented(consented, MessageKind.GATE_CHANGE)) {
                    draft.add(MessageKind.GATE_CHANGE, departure, flight, () -> memory.setToldGate(gate));
                }
            }
            case SCHEDULED, DELAYED, UNKNOWN -> {
                if (flight.getActualDeparture() != null) {
                    // it left; the status has not caught up
                    draft.withhold(null, DecisionReason.TOO_LATE, "departed at " + flight.getActualDeparture());
                    break;
                }
                var change = departureTimeRule.decide(flight.getScheduledDeparture(), flight.getEstimatedDeparture(),
                        memory.getToldDeparture());
                if (change.isPresent()) {
                    if (draft.consented(consented, change.get().kind())) {
                        draft.add(change.get().kind(), change.get().announced(), flight,
                                () -> memory.setToldDeparture(change.get().toldAfter()));
                    }
                } else {
                    departureTimeRule.belowThreshold(flight.getScheduledDeparture(), flight.getEstimatedDeparture(),
                            memory.getToldDeparture()).ifPresent(move -> draft.withhold(MessageKind.DELAY,
                            DecisionReason.BELOW_THRESHOLD, move));
                }
                if (gateIsNews && draft.consented(consented, MessageKind.GATE_CHANGE)) {
                    draft.add(MessageKind.GATE_CHANGE, departure, flight, () -> memory.setToldGate(gate));
                }
            }
            default -> draft.withhold(null, DecisionReason.TOO_LATE, "flight is " + flight.getStatus());
        }
        if (draft.messages.isEmpty()) {
            if (draft.withheld.isEmpty()) {
                draft.withhold(null, DecisionReason.NOTHING_NEW, "status " + flight.getStatus() + ", departure and gate as told");
            }
            return new Plan(List.of(), previous, draft.withheld);
        }
        memory.setLastSequence(flight.getSequence());
        return draft.plan();
    }

    /**
     * Rule N8: a boarding pass is sent when it is newer than the last one sent to this passenger for this
     * flight; a re-issue supersedes the earlier pass.
     */
    public Plan planBoardingPass(BoardingPassIssued pass, PassengerMemory previous, boolean consented) {
        if (!consented) {
            return new Plan(List.of(), previous, List.of(new Withheld(MessageKind.BOARDING_PASS, DecisionReason.NO_CONSENT,
                    "not opted in to BOARDING_PASS")));
        }
        if (previous != null && pass.getIssueSequence() <= previous.getBoardingPassSequence()) {
            return new Plan(List.of(), previous, List.of(new Withheld(MessageKind.BOARDING_PASS,
                    DecisionReason.STALE_BOARDING_PASS, "issue " + pass.getIssueSequence() + " is not newer than issue "
                    + previous.getBoardingPassSequence() + " sent")));
        }
        Draft draft = new Draft(pass.getEventId(), pass.getTravellerKey(), pass.getEventTime(), previous);
        draft.add(MessageKind.BOARDING_PASS, pass.getScheduledDeparture(), ExpiryPolicy.expiresAt(pass),
                () -> draft.memory.setBoardingPassSequence(pass.getIssueSequence()));
        return draft.messages.isEmpty() ? new Plan(List.of(), previous, draft.withheld) : draft.plan();
    }

    static FlightStatus status(FlightView flight) {
        try {
            return FlightStatus.valueOf(flight.getStatus());
        } catch (IllegalArgumentException unknownSymbol) {
            return FlightStatus.UNKNOWN;
        }
    }

    /** Messages being planned for one passenger and event, and the memory they leave behind. */
    private static final class Draft {
        final String sourceEventId;
        final String travellerKey;
        final Instant now;
        final PassengerMemory.Builder memory;
        final Map<String, String> lastIds;
        final List<PlannedMessage> messages = new ArrayList<>();
        final List<Withheld> withheld = new ArrayList<>();

        Draft(String sourceEventId, String travellerKey, Instant now, PassengerMemory previous) {
            this.sourceEventId = sourceEventId;
            this.travellerKey = travellerKey;
            this.now = now;
            this.memory = previous == null ? PassengerMemory.newBuilder() : PassengerMemory.newBuilder(previous);
            this.lastIds = new HashMap<>(previous == null ? Map.of() : previous.getLastMessageIds());
        }

        void add(MessageKind kind, Instant departure, FlightView flight, Runnable remember) {
            add(kind, departure, ExpiryPolicy.expiresAt(kind, flight, departure), remember);
        }

        void add(MessageKind kind, Instant departure, Instant expiresAt, Runnable remember) {
            if (!expiresAt.isAfter(now)) {
                withhold(kind, DecisionReason.BORN_EXPIRED, "would expire at " + expiresAt + ", before the event at " + now);
                return; // born expired: noise, and the passenger was not told
            }
            String family = MessageFamily.of(kind).name();
            String id = MessageIds.derive(kind, sourceEventId, travellerKey);
            messages.add(new PlannedMessage(kind, id, lastIds.get(family), departure, expiresAt));
            lastIds.put(family, id);
            remember.run();
        }

        /** Whether the traveller accepts {@code kind}; a refusal is noted as withheld. */
        boolean consented(Predicate<MessageKind> consented, MessageKind kind) {
            if (consented.test(kind)) {
                return true;
            }
            withhold(kind, DecisionReason.NO_CONSENT, "not opted in to " + kind);
            return false;
        }

        void withhold(MessageKind kind, DecisionReason reason, String detail) {
            withheld.add(new Withheld(kind, reason, detail));
        }

        Plan plan() {
            memory.setLastMessageIds(lastIds);
            return new Plan(messages, memory.build(), withheld);
        }
    }
}
