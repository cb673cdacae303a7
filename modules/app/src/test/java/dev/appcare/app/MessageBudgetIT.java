package dev.appcare.app;

import static dev.appcare.app.IncidentHarness.await;
import static dev.appcare.app.IncidentHarness.flightEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.SentMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The message budget (N12) end to end on the real broker: notifier, sender and the WhatsApp simulator.
 * Six gate changes in quick succession reach the traveller as two messages, the second with the latest
 * gate, even though the notifier is stopped and started again while the merged update is held back (it
 * lives in the {@code message-budget} and {@code budget-due} stores and their changelogs); a cancellation
 * then goes through at once. The spacing is one minute instead of ten so that the test waits a minute,
 * not ten; every other setting is the production default (4 a day, urgent gate changes within an hour).
 */
@IntegrationTest
class MessageBudgetIT {
    private static final String TRAVELLER = "BUDGET/1";
    private static final String PHONE = "+31620000301";
    private static final Map<String, String> BUDGET = Map.of("notifier.budget.spacing", "PT1M",
            "notifier.budget.check-interval", "PT1S");

    @Test
    void shouldMergeSixGateChangesIntoTwoMessagesAcrossARestartAndLetACancellationThrough(RealInfrastructure infra)
            throws Exception {
        try (IncidentHarness h = new IncidentHarness(infra, 2, b -> { }, Map.of())) {
            h.startNotifier(BUDGET);
            h.startSender();
            String flight = IncidentHarness.flightKey("3301");
            h.book(TRAVELLER, flight);
            h.optIn(TRAVELLER, PHONE);
            h.awaitNotifierTookIn();
            Instant departure = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);

            for (int i = 1; i <= 6; i++) {
                h.send(Topics.FLIGHT_STATUS, flight, flightEvent("budget-gate-" + i, flight, i, departure, null, "G" + i,
                        FlightStatus.SCHEDULED));
            }
            await("the first gate change sent, the other five held back", Duration.ofSeconds(90), () ->
                    gateChanges(h).size() == 1 && decisions(h, DecisionOutcome.HELD_BACK).size() == 5);
            assertThat(decisions(h, DecisionOutcome.REQUESTED)).as("nothing merged sent yet: the spacing has not ended")
                    .extracting(NotifierDecision::getReason).containsExactly("WITHIN_BUDGET");

            // The notifier goes down while the update is held back, and comes back.
            h.stopNotifier();
            h.startNotifier(BUDGET);

            await("the merged gate change sent when the spacing ended", Duration.ofSeconds(180), () -> gateChanges(h).size() == 2);
            List<SentMessage> gates = gateChanges(h);
            assertThat(gates.get(0).bodyParameters()).contains("G1");
            assertThat(gates.get(1).bodyParameters()).as("the latest gate").contains("G6").doesNotContain("G2", "G3", "G4", "G5");
            assertThat(decisions(h, DecisionOutcome.REQUESTED)).extracting(NotifierDecision::getReason)
                    .containsExactly("WITHIN_BUDGET", "MERGED");

            h.send(Topics.FLIGHT_STATUS, flight, flightEvent("budget-cancel", flight, 7, departure, null, "G6",
                    FlightStatus.CANCELLED));
            await("the cancellation sent at once, whatever the spacing", Duration.ofSeconds(90), () ->
                    flightMessages(h).stream().anyMatch(m -> m.templateName().equals("flight_cancelled")));
            assertThat(flightMessages(h)).extracting(SentMessage::templateName)
                    .containsExactly("gate_change", "gate_change", "flight_cancelled");

            IncidentHarness.Ops trace = h.ops("ops", "trace", "--traveller", TRAVELLER);
            assertThat(trace.exit()).isZero();
            assertThat(trace.out()).contains("HELD_BACK GATE_CHANGE (SPACING)").contains("HELD_BACK GATE_CHANGE (MERGED)")
                    .contains("REQUESTED GATE_CHANGE (MERGED): 5 update(s) merged").contains("REQUESTED CANCELLATION (URGENT)");
        }
    }

    private static List<SentMessage> flightMessages(IncidentHarness h) {
        return h.sim.acceptedFor(PHONE).stream().filter(m -> !m.templateName().equals("optin_confirmation")).toList();
    }

    private static List<SentMessage> gateChanges(IncidentHarness h) {
        return flightMessages(h).stream().filter(m -> m.templateName().equals("gate_change")).toList();
    }

    private static List<NotifierDecision> decisions(IncidentHarness h, DecisionOutcome outcome) {
        return h.values(Topics.NOTIFIER_DECISION).stream()
                .filter(d -> TRAVELLER.equals(d.getTravellerKey()) && d.getOutcome() == outcome).toList();
    }
}
