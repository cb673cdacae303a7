package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.gate;
import static dev.appcare.notifier.testing.Fixtures.leg;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.optedOut;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static dev.appcare.notifier.testing.NotifierDriver.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.rules.MessageBudget;
import dev.appcare.notifier.testing.NotifierDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The message budget (N12) through the whole topology, with the production defaults (4 a day, 1 per
 * 10 minutes, urgent gate changes within an hour): rapid gate changes merged into one message with the
 * latest gate, sent by the wall-clock punctuation when the spacing ends; urgent news always through;
 * what was held back in the decision log and the metric; erasure and opt-out stop a held-back update.
 */
class MessageBudgetTopologyTest {
    private static final String ANNE = travellerKey(1);
    /** Departure three hours after the driver's wall clock: gate changes are not urgent. */
    private static final Instant DEPARTURE = NOW.plus(Duration.ofHours(3));
    private final NotifierDriver notifier = new NotifierDriver(c -> c.withBudget(MessageBudget.DEFAULT));

    @AfterEach
    void close() {
        notifier.close();
    }

    /** Event {@code sequence} of the flight, observed {@code minute} minutes after the wall clock's start. */
    private static FlightStatusEvent.Builder event(long sequence, long minute) {
        return flight(sequence).setEventTime(NOW.plus(Duration.ofMinutes(minute)))
                .setDeparture(leg("AMS", "Europe/Amsterdam", DEPARTURE))
                .setArrival(leg("JFK", "America/New_York", DEPARTURE.plus(Duration.ofHours(8))));
    }

    private void anneOptsIn(MessageKind... kinds) {
        notifier.book(ANNE, FLIGHT_KEY, "Anne");
        notifier.preference(optedIn(ANNE, phone(1), "en", List.of(kinds)));
    }

    private void sixGateChangesInTenMinutes() {
        for (int i = 1; i <= 6; i++) {
            notifier.flight(gate(event(i, i + (i - 1) / 2), "G" + i)); // minutes 1, 2, 4, 5, 7, 8
        }
    }

    @Test
    void shouldMergeSixGateChangesInTenMinutesIntoTwoMessagesTheLastWithTheLatestGate() {
        anneOptsIn(MessageKind.GATE_CHANGE, MessageKind.CANCELLATION);

        sixGateChangesInTenMinutes();

        List<WhatsAppRequest> first = notifier.takeRequestValues();
        assertThat(first).extracting(WhatsAppRequest::getMessageId)
                .containsExactly(MessageIds.derive(MessageKind.GATE_CHANGE, FLIGHT_KEY + "#1", ANNE));
        assertThat(gateOf(first.get(0))).isEqualTo("G1");
        List<NotifierDecision> decisions = notifier.takeDecisions().stream().map(TestRecord::value)
                .filter(d -> ANNE.equals(d.getTravellerKey())).toList();
        assertThat(decisions).extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getEventId()).containsExactly(
                "REQUESTED WITHIN_BUDGET " + FLIGHT_KEY + "#1",
                "HELD_BACK SPACING " + FLIGHT_KEY + "#2",
                "HELD_BACK MERGED " + FLIGHT_KEY + "#3",
                "HELD_BACK MERGED " + FLIGHT_KEY + "#4",
                "HELD_BACK MERGED " + FLIGHT_KEY + "#5",
                "HELD_BACK MERGED " + FLIGHT_KEY + "#6");
        Instant due = NOW.plus(Duration.ofMinutes(11));
        assertThat(decisions.get(5).getDetail()).isEqualTo("until " + due + ", merged as GATE_CHANGE (5 update(s))");
        assertThat(notifier.metrics.count("appcare.notifier.budget", "outcome", "held-spacing")).isEqualTo(1.0);
        assertThat(notifier.metrics.count("appcare.notifier.budget", "outcome", "held-merged")).isEqualTo(4.0);

        notifier.driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertThat(notifier.takeRequestValues()).as("not due before 10 minutes after the first message").isEmpty();

        notifier.driver.advanceWallClockTime(Duration.ofMinutes(2));
        List<TestRecord<String, WhatsAppRequest>> merged = notifier.takeRequests();
        assertThat(merged).hasSize(1);
        WhatsAppRequest second = merged.get(0).value();
        assertThat(merged.get(0).key()).isEqualTo(phone(1));
        assertThat(second.getKind()).isEqualTo(MessageKind.GATE_CHANGE);
        assertThat(second.getMessageId()).isEqualTo(MessageIds.derive(MessageKind.GATE_CHANGE, FLIGHT_KEY + "#6", ANNE));
        assertThat(second.getSupersedes()).as("replaces the first, the only one sent").isEqualTo(first.get(0).getMessageId());
        assertThat(gateOf(second)).isEqualTo("G6");
        assertThat(notifier.takeDecisions()).extracting(TestRecord::value).containsExactly(new NotifierDecision(
                NOW.plus(Duration.ofMinutes(12)), FLIGHT_KEY, ANNE, FLIGHT_KEY + "#6", DecisionOutcome.REQUESTED, "MERGED",
                "5 update(s) merged, held back since " + NOW.plus(Duration.ofMinutes(2)), MessageKind.GATE_CHANGE,
                second.getMessageId(), null));
        assertThat(notifier.metrics.count("appcare.notifier.budget", "outcome", "sent-merged")).isEqualTo(1.0);

        notifier.driver.advanceWallClockTime(Duration.ofMinutes(20));
        assertThat(notifier.takeRequestValues()).as("sent once").isEmpty();
    }

    @Test
    void shouldAlwaysLetACancellationThroughAndDropTheUpdateItOvertakes() {
        anneOptsIn(MessageKind.GATE_CHANGE, MessageKind.CANCELLATION);
        sixGateChangesInTenMinutes();
        notifier.takeRequestValues();
        notifier.takeDecisions();

        notifier.flight(event(7, 9).setStatus(FlightStatus.CANCELLED));

        assertThat(notifier.takeRequestValues()).extracting(WhatsAppRequest::getKind).containsExactly(MessageKind.CANCELLATION);
        assertThat(notifier.takeDecisions()).extracting(TestRecord::value).filteredOn(d -> ANNE.equals(d.getTravellerKey()))
                .extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getKind()).containsExactly(
                        "SUPPRESSED MERGED GATE_CHANGE", "REQUESTED URGENT CANCELLATION");
        notifier.driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertThat(notifier.takeRequestValues()).as("the overtaken gate change never goes").isEmpty();
    }

    @Test
    void shouldLetAGateChangeWithinAnHourOfDepartureThrough() {
        anneOptsIn(MessageKind.GATE_CHANGE);
        notifier.flight(gate(event(1, 0), "G1"));
        notifier.flight(gate(event(2, 125), "G2"));
        notifier.flight(gate(event(3, 126), "G3"));

        assertThat(notifier.takeRequestValues()).extracting(MessageBudgetTopologyTest::gateOf).containsExactly("G1", "G2", "G3");
    }

    @Test
    void shouldForgetAnErasedTravellersBudgetAndNotSendWhatWasHeldBack() {
        anneOptsIn(MessageKind.GATE_CHANGE);
        notifier.flight(gate(event(1, 1), "G1"));
        notifier.flight(gate(event(2, 2), "G2"));
        assertThat(notifier.takeRequestValues()).hasSize(1);
        assertThat(budgetEntries()).isEqualTo(1);
        assertThat(dueEntries()).isEqualTo(1);

        notifier.preferences.pipeInput(ANNE, null, NOW.plus(Duration.ofMinutes(3)));
        notifier.driver.advanceWallClockTime(Duration.ofMinutes(15));

        assertThat(notifier.takeRequestValues()).isEmpty();
        assertThat(budgetEntries()).isZero();
        assertThat(dueEntries()).isZero();
    }

    @Test
    void shouldNotSendAHeldBackUpdateToATravellerWhoOptedOutMeanwhile() {
        anneOptsIn(MessageKind.GATE_CHANGE);
        notifier.flight(gate(event(1, 1), "G1"));
        notifier.flight(gate(event(2, 2), "G2"));
        notifier.takeRequestValues();
        notifier.takeDecisions();

        notifier.preference(optedOut(optedIn(ANNE, phone(1), "en", List.of(MessageKind.GATE_CHANGE))));
        notifier.driver.advanceWallClockTime(Duration.ofMinutes(15));

        assertThat(notifier.takeRequestValues()).isEmpty();
        assertThat(notifier.takeDecisions()).extracting(TestRecord::value)
                .extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getDetail())
                .containsExactly("SUPPRESSED OPTED_OUT held-back GATE_CHANGE not sent when due");
        assertThat(notifier.metrics.count("appcare.notifier.budget", "outcome", "dropped")).isEqualTo(1.0);
    }

    private long budgetEntries() {
        return count(NotifierTopology.BUDGET_STORE);
    }

    private long dueEntries() {
        return count(NotifierTopology.BUDGET_DUE_STORE);
    }

    private long count(String store) {
        try (var all = notifier.driver.getKeyValueStore(store).all()) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }

    /** The gate parameter of a gate_change request (template parameters: givenName, flight, gate, departureTime). */
    private static String gateOf(WhatsAppRequest request) {
        return request.getParameters().stream().map(TemplateParameter::getValue).toList().get(2);
    }
}
