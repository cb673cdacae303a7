package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.boardingPass;
import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.gate;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.optedOut;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.testing.NotifierDriver;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decision log (N11) through the whole topology: every flight event gets one decision for the flight
 * and one or more per passenger it reached, with the exact reason; keyed by flight; no phone or name.
 */
class DecisionLogTest {
    private static final String ANNE = travellerKey(1);
    private static final String BOB = travellerKey(2);
    private static final String CARL = travellerKey(3);
    private static final String DORA = travellerKey(4);
    private final NotifierDriver notifier = new NotifierDriver();

    @AfterEach
    void close() {
        notifier.close();
    }

    /** Anne: delays and gate changes; Bob: gate changes only; Carl: opted out; Dora: never opted in. */
    private void board() {
        notifier.book(ANNE, FLIGHT_KEY, "Anne");
        notifier.book(BOB, FLIGHT_KEY, "Bob");
        notifier.book(CARL, FLIGHT_KEY, "Carl");
        notifier.book(DORA, FLIGHT_KEY, "Dora");
        notifier.preference(optedIn(ANNE, phone(1), "nl", List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE,
                MessageKind.BOARDING_PASS)));
        notifier.preference(optedIn(BOB, phone(2), "en", List.of(MessageKind.GATE_CHANGE)));
        notifier.preference(optedOut(optedIn(CARL, phone(3), "en", List.of(MessageKind.DELAY))));
    }

    @Test
    void shouldRecordTheAnnouncementEveryRequestAndEveryPassengerHeldBackWithTheReason() {
        board();
        FlightStatusEvent first = estimate(gate(flight(1), "D7"), 20).build();

        notifier.flight(first);

        Instant at = first.getEventTime();
        String event = first.getEventId();
        List<TestRecord<String, NotifierDecision>> records = notifier.takeDecisions();
        assertThat(records).extracting(TestRecord::key).containsOnly(FLIGHT_KEY);
        assertThat(records).extracting(TestRecord::value).containsExactlyInAnyOrder(
                flightDecision(at, event, DecisionOutcome.ANNOUNCED, "CHANGED", "fanned out to 4 active passengers", 4),
                passenger(at, ANNE, event, DecisionOutcome.REQUESTED, "WITHIN_BUDGET", null, MessageKind.DELAY,
                        MessageIds.derive(MessageKind.DELAY, event, ANNE)),
                passenger(at, ANNE, event, DecisionOutcome.REQUESTED, "WITHIN_BUDGET", null, MessageKind.GATE_CHANGE,
                        MessageIds.derive(MessageKind.GATE_CHANGE, event, ANNE)),
                passenger(at, BOB, event, DecisionOutcome.SUPPRESSED, "NO_CONSENT", "not opted in to DELAY", MessageKind.DELAY, null),
                passenger(at, BOB, event, DecisionOutcome.REQUESTED, "WITHIN_BUDGET", null, MessageKind.GATE_CHANGE,
                        MessageIds.derive(MessageKind.GATE_CHANGE, event, BOB)),
                passenger(at, CARL, event, DecisionOutcome.SUPPRESSED, "OPTED_OUT", "opted out", null, null),
                passenger(at, DORA, event, DecisionOutcome.SUPPRESSED, "NO_PREFERENCE", "no WhatsApp opt-in", null, null));
        assertThat(notifier.takeRequestValues()).hasSize(3);
    }

    @Test
    void shouldRecordAFlapBelowTheThresholdARepublishedEventAndAStaleOne() {
        board();
        notifier.flight(estimate(flight(1), 20));
        notifier.takeDecisions();
        FlightStatusEvent flap = estimate(flight(2), 25).build();

        notifier.flight(flap);
        notifier.flight(flap);
        notifier.flight(estimate(flight(1), 60).setEventId("late-copy").build());
        notifier.flight(estimate(flight(3), 25).setStatus(dev.appcare.avro.FlightStatus.DELAYED)
                .setArrival(dev.appcare.notifier.testing.Fixtures.leg("JFK", "America/New_York",
                        dev.appcare.notifier.testing.Fixtures.ARRIVAL.plusSeconds(600))));

        Instant at = flap.getEventTime();
        String event = flap.getEventId();
        List<NotifierDecision> decisions = values(notifier);
        assertThat(decisions).filteredOn(d -> event.equals(d.getEventId()) && d.getTravellerKey() == null).containsExactly(
                flightDecision(at, event, DecisionOutcome.ANNOUNCED, "CHANGED", "fanned out to 4 active passengers", 4),
                flightDecision(at, event, DecisionOutcome.SUPPRESSED, "DUPLICATE",
                        "event already applied (same eventId, sequence 2)", null));
        assertThat(decisions).filteredOn(d -> ANNE.equals(d.getTravellerKey())).containsExactly(
                passenger(at, ANNE, event, DecisionOutcome.SUPPRESSED, "BELOW_THRESHOLD",
                        "departure 2026-11-23T09:25:00Z is 5 min from the 2026-11-23T09:20:00Z told, threshold 15 min",
                        MessageKind.DELAY, null));
        assertThat(decisions).filteredOn(d -> BOB.equals(d.getTravellerKey())).containsExactly(
                passenger(at, BOB, event, DecisionOutcome.SUPPRESSED, "NO_CONSENT", "not opted in to DELAY",
                        MessageKind.DELAY, null));
        FlightStatusEvent late = estimate(flight(1), 60).setEventId("late-copy").build();
        assertThat(decisions).filteredOn(d -> "late-copy".equals(d.getEventId())).containsExactly(
                flightDecision(late.getEventTime(), "late-copy", DecisionOutcome.SUPPRESSED, "STALE",
                        "sequence 1 observed 2026-11-23T06:01:00Z is not newer than the applied sequence 2 observed"
                                + " 2026-11-23T06:02:00Z", null));
        assertThat(decisions).filteredOn(d -> (FLIGHT_KEY + "#3").equals(d.getEventId())).extracting(NotifierDecision::getReason)
                .containsExactly("NOTHING_NOTIFIABLE");
        assertThat(notifier.takeRequestValues()).as("the first event's delay to Anne, nothing after").hasSize(1);
    }

    @Test
    void shouldRecordABoardingPassSentAndOneNotNewer() {
        board();
        notifier.boardingPass(boardingPass(ANNE, 1).build());
        notifier.boardingPass(boardingPass(ANNE, 1).setEventId("bp-again").build());
        notifier.boardingPass(boardingPass(BOB, 1).build());

        Instant at = boardingPass(ANNE, 1).build().getEventTime();
        assertThat(values(notifier)).containsExactly(
                passenger(at, ANNE, "bp-" + ANNE + "-1", DecisionOutcome.REQUESTED, "MATERIAL_CHANGE", null,
                        MessageKind.BOARDING_PASS, MessageIds.derive(MessageKind.BOARDING_PASS, "bp-" + ANNE + "-1", ANNE)),
                passenger(at, ANNE, "bp-again", DecisionOutcome.SUPPRESSED, "STALE_BOARDING_PASS",
                        "issue 1 is not newer than issue 1 sent", MessageKind.BOARDING_PASS, null),
                passenger(at, BOB, "bp-" + BOB + "-1", DecisionOutcome.SUPPRESSED, "NO_CONSENT",
                        "not opted in to BOARDING_PASS", MessageKind.BOARDING_PASS, null));
    }

    @Test
    void shouldNeverWriteAPhoneNumberOrANameIntoTheLog() {
        board();
        notifier.flight(estimate(gate(flight(1), "D7"), 20));
        notifier.boardingPass(boardingPass(ANNE, 1).build());

        assertThat(values(notifier)).isNotEmpty().allSatisfy(d -> assertThat(d.toString())
                .doesNotContain(phone(1), phone(2), phone(3), "Anne", "Bob", "Carl", "Dora", "Doe"));
    }

    private static List<NotifierDecision> values(NotifierDriver notifier) {
        return notifier.takeDecisions().stream().map(TestRecord::value).toList();
    }

    private static NotifierDecision flightDecision(Instant at, String eventId, DecisionOutcome outcome, String reason,
                                                   String detail, Integer passengers) {
        return new NotifierDecision(at, FLIGHT_KEY, null, eventId, outcome, reason, detail, null, null, passengers);
    }

    private static NotifierDecision passenger(Instant at, String traveller, String eventId, DecisionOutcome outcome,
                                              String reason, String detail, MessageKind kind, String messageId) {
        return new NotifierDecision(at, FLIGHT_KEY, traveller, eventId, outcome, reason, detail, kind, messageId, null);
    }
}
