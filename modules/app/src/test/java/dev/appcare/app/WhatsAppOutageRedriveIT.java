package dev.appcare.app;

import static dev.appcare.app.IncidentHarness.await;
import static dev.appcare.app.IncidentHarness.flightEvent;
import static dev.appcare.app.IncidentHarness.flightKey;
import static dev.appcare.app.IncidentHarness.gateChange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.Fault;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runbook {@code docs/runbook/whatsapp-outage.md} end to end: WhatsApp answers every send with a
 * terminal error for a while (132015, template paused), the sender dead-letters those requests; after
 * the outage one traveller opts out, one is erased and one request expires; {@code ops redrive} sends each
 * of the others exactly once and skips those three; its dry run and a second redrive change nothing.
 */
@IntegrationTest
class WhatsAppOutageRedriveIT {

    @Test
    void shouldRedriveEachDeadLetterOnceAndSkipTheExpiredTheOptedOutAndTheErased(RealInfrastructure infra) throws Exception {
        try (IncidentHarness h = new IncidentHarness(infra, 3, b -> { }, Map.of())) {
            h.startNotifier();
            h.startSender();
            String flight = flightKey("2101");
            List<String> travellers = List.of("OUTAGE/1", "OUTAGE/2", "OUTAGE/3", "OUTAGE/4");
            Map<String, String> phones = new HashMap<>();
            for (int i = 0; i < travellers.size(); i++) {
                phones.put(travellers.get(i), "+3161000010" + i);
                h.book(travellers.get(i), flight);
                h.optIn(travellers.get(i), phones.get(travellers.get(i)));
            }
            h.optIn("OUTAGE/5", "+31610000109");
            h.awaitNotifierTookIn();

            // The outage: every send answered 132015 (terminal), so the sender dead-letters each request.
            Instant outageStart = Instant.now();
            h.sim.faults().allRequests(Fault.error(132015));
            Instant departure = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            h.send(Topics.FLIGHT_STATUS, flight, flightEvent("outage-delay-1", flight, 1, departure,
                    departure.plus(45, ChronoUnit.MINUTES), null, FlightStatus.DELAYED)); // no gate yet: a DELAY each
            Instant shortExpiry = Instant.now().plusSeconds(8);
            h.request(gateChange("short-lived-1", "+31610000109", "OUTAGE/5", Priority.NORMAL, shortExpiry));
            h.awaitOr("5 dead letters", Duration.ofSeconds(60), () -> h.values(Topics.WHATSAPP_REQUEST_DLQ).size() == 5);
            h.sim.faults().clear();
            assertThat(h.sim.accepted()).as("nothing got through during the outage").isEmpty();

            Map<String, String> idOf = new HashMap<>();
            for (DeadLetter dl : h.values(Topics.WHATSAPP_REQUEST_DLQ)) {
                assertThat(dl.getErrorCode()).isEqualTo(132015);
            }
            for (WhatsAppRequest r : h.values(Topics.WHATSAPP_REQUEST)) {
                idOf.put(r.getCorrelation().getTravellerKey(), r.getMessageId());
            }
            assertThat(idOf).containsKeys("OUTAGE/1", "OUTAGE/2", "OUTAGE/3", "OUTAGE/4", "OUTAGE/5");

            // Since the outage: OUTAGE/3 was erased, OUTAGE/4 replied STOP, and the short-lived request expired.
            h.erase("OUTAGE/3");
            h.optOut("OUTAGE/4", phones.get("OUTAGE/4"));
            await("the short-lived request expired", Duration.ofSeconds(20), () -> Instant.now().isAfter(shortExpiry));
            Instant outageEnd = Instant.now();

            IncidentHarness.Snapshot before = h.snapshot();
            IncidentHarness.Ops plan = h.ops("ops", "redrive", "--from", outageStart.toString(), "--to", outageEnd.toString());
            assertThat(plan.exit()).isZero();
            assertThat(plan.out()).contains("Plan (dry run, nothing changed")
                    .contains("selected (failedAt in [" + outageStart + ", " + outageEnd + ")): 5")
                    .contains("redrive 2").contains("skip: expired 1").contains("skip: traveller opted out 1")
                    .contains("skip: traveller erased 1").contains("to redrive: 2").contains("by error: WHATSAPP_TERMINAL 132015 5")
                    .doesNotContain("Done:");
            assertThat(h.snapshot()).as("a dry run changes no offset, no topic and no ledger entry").isEqualTo(before);

            IncidentHarness.Ops run = h.ops("ops", "redrive", "--from", outageStart.toString(), "--to", outageEnd.toString(), "--execute");
            assertThat(run.exit()).isZero();
            assertThat(run.out()).contains("Done: 2 request(s) written");
            List<String> redriven = List.of(idOf.get("OUTAGE/1"), idOf.get("OUTAGE/2"));
            await("both redriven requests accepted", Duration.ofSeconds(60),
                    () -> h.acceptedCounts().keySet().containsAll(redriven));
            await("their ledger entries ACCEPTED", Duration.ofSeconds(30), () -> redriven.stream()
                    .allMatch(id -> h.ledgerEntries().get(id) != null && h.ledgerEntries().get(id).getState() == LedgerState.ACCEPTED));
            await("the simulator's webhooks are delivered", Duration.ofSeconds(30), () -> h.sim.awaitWebhooks(Duration.ofSeconds(5)));
            assertThat(h.acceptedCounts()).as("each redriven once, the skipped ones never")
                    .containsExactlyInAnyOrderEntriesOf(Map.of(redriven.get(0), 1L, redriven.get(1), 1L));

            // The redriven records carry the marks, and the statuses tell the story.
            List<DeliveryStatus> statuses = h.values(Topics.WHATSAPP_STATUS);
            assertThat(statuses).filteredOn(s -> s.getMessageId().equals(redriven.get(0))).extracting(DeliveryStatus::getStatus)
                    .startsWith(DeliveryState.DEAD_LETTERED, DeliveryState.ACCEPTED);
            assertThat(h.records(h.topic(Topics.WHATSAPP_REQUEST)).stream()
                    .filter(r -> r.headers().lastHeader("appcare.replay") != null)).hasSize(2)
                    .allMatch(r -> new String(r.headers().lastHeader("appcare.replay.origin").value())
                            .startsWith(h.topic(Topics.WHATSAPP_REQUEST_DLQ) + "/"));

            // Redriving the same window again sends nothing: the ledger shows them sent.
            IncidentHarness.Snapshot afterRedrive = h.snapshot();
            IncidentHarness.Ops again = h.ops("ops", "redrive", "--from", outageStart.toString(), "--to", outageEnd.toString(), "--execute");
            assertThat(again.out()).contains("skip: sent meanwhile (ledger ACCEPTED) 2").contains("to redrive: 0")
                    .contains("Done: 0 request(s)");
            assertThat(h.snapshot()).isEqualTo(afterRedrive);
            assertThat(h.acceptedCounts().values()).containsOnly(1L);

            IncidentHarness.Ops trace = h.ops("ops", "trace", "--traveller", "OUTAGE/1");
            assertThat(trace.out()).contains("status DEAD_LETTERED 132015").contains("[redrive of " + h.topic(Topics.WHATSAPP_REQUEST_DLQ))
                    .contains("status ACCEPTED").contains("+31*******00").doesNotContain("+31610000100");
        }
    }
}
