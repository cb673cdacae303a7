package dev.appcare.app;

import static dev.appcare.app.IncidentHarness.await;
import static dev.appcare.app.IncidentHarness.flightEvent;
import static dev.appcare.app.IncidentHarness.flightKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.Topics;
import dev.appcare.ops.OpsCommand;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runbooks {@code docs/runbook/upstream-resent-a-day.md}, {@code bad-notifier-deploy.md} and
 * {@code sender-crash-or-zombie.md} end to end, on one day of two flights: the upstream system re-sends
 * the whole day; the notifier is reset to the start of the day and reprocesses it ({@code ops reprocess});
 * the sender is reset to the start of the day and reads every request again ({@code ops reset}). After
 * each, the simulator's record shows no messageId accepted twice and nothing new accepted. Each reset is
 * refused while the role runs, and each dry run changes nothing.
 */
@IntegrationTest
class ReplayWithoutSecondMessageIT {

    @Test
    void shouldSendNobodyASecondMessageWhenADayIsResentReprocessedOrReadAgain(RealInfrastructure infra) throws Exception {
        Instant startOfDay = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        try (IncidentHarness h = new IncidentHarness(infra, 3, b -> { }, Map.of())) {
            h.startNotifier();
            h.startSender();
            String f1 = flightKey("2201");
            String f2 = flightKey("2202");
            List<String> travellers = List.of("REPLAY/1", "REPLAY/2", "REPLAY/3", "REPLAY/4", "REPLAY/5");
            for (int i = 0; i < travellers.size(); i++) {
                h.book(travellers.get(i), i < 3 ? f1 : f2);
                h.optIn(travellers.get(i), "+3162000020" + i);
            }
            h.awaitNotifierTookIn();

            // The day: per flight a 45-minute delay, a gate (D9), boarding; each step sent before the next comes,
            // as on a real day (a boarding message would otherwise supersede a gate change still queued).
            Instant departure = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            Instant late = departure.plus(45, ChronoUnit.MINUTES);
            List<FlightStatusEvent> day = new ArrayList<>();
            for (int step = 1; step <= 3; step++) {
                for (String f : List.of(f1, f2)) {
                    FlightStatusEvent e = flightEvent(f + "-e" + step, f, step, departure, late, step == 1 ? null : "D9",
                            step == 3 ? FlightStatus.BOARDING : FlightStatus.DELAYED);
                    day.add(e);
                    h.send(Topics.FLIGHT_STATUS, e.getFlightKey(), e);
                }
                int expected = 5 * step;
                h.awaitOr("step " + step + " sent", Duration.ofSeconds(60), () -> h.sim.acceptedCount() >= expected);
            }
            awaitSettled(h);
            List<WhatsAppRequest> requests = h.values(Topics.WHATSAPP_REQUEST);
            Set<String> ids = requests.stream().map(WhatsAppRequest::getMessageId).collect(Collectors.toSet());
            assertThat(requests.stream().filter(r -> r.getCorrelation().getTravellerKey().equals("REPLAY/1")).map(r -> r.getKind().name()))
                    .as("what one traveller was told").containsExactly("DELAY", "GATE_CHANGE", "BOARDING");
            assertThat(ids).hasSize(15);
            await("all 15 accepted", Duration.ofSeconds(60), () -> h.acceptedCounts().keySet().containsAll(ids));
            Map<String, Long> accepted = h.acceptedCounts();
            assertThat(accepted).hasSize(15).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));

            // 1. The upstream system re-sends the whole day.
            for (FlightStatusEvent e : day) {
                h.send(Topics.FLIGHT_STATUS, e.getFlightKey(), e);
            }
            awaitSettled(h);
            assertThat(h.acceptedCounts()).as("a re-sent day sends nothing").isEqualTo(accepted);

            // 2. The notifier reprocesses the day: refused while it runs; the dry run changes nothing.
            String flightTopic = h.topic(Topics.FLIGHT_STATUS);
            IncidentHarness.Snapshot running = h.snapshot();
            IncidentHarness.Ops refused = h.ops("ops", "reprocess", "--topic", flightTopic, "--from", startOfDay.toString(),
                    "--group", h.notifierGroup, "--execute");
            assertThat(refused.exit()).isEqualTo(OpsCommand.REFUSED);
            assertThat(refused.out()).contains("Refused, nothing changed").contains("active member").contains(h.notifierGroup);
            assertThat(h.snapshot()).isEqualTo(running);

            IncidentHarness.Ops resetWhileRunning = h.ops("ops", "reset", "--role", "notifier", "--group", h.notifierGroup,
                    "--by-duration", "PT1H");
            assertThat(resetWhileRunning.exit()).as("a plan that could not be executed now says so").isEqualTo(OpsCommand.REFUSED);
            assertThat(resetWhileRunning.out()).contains("REFUSED").contains(h.topic(Topics.FLIGHT_STATUS) + "/0")
                    .contains(h.topic(Topics.BOARDING_PASS) + "/0");
            assertThat(h.snapshot()).isEqualTo(running);

            h.stopNotifier();
            await("the notifier left its group", Duration.ofSeconds(30), () -> h.groupState(h.notifierGroup).equalsIgnoreCase("EMPTY"));
            IncidentHarness.Snapshot stopped = h.snapshot();
            IncidentHarness.Ops plan = h.ops("ops", "reprocess", "--topic", flightTopic, "--from", startOfDay.toString(),
                    "--group", h.notifierGroup);
            assertThat(plan.exit()).isZero();
            assertThat(plan.out()).contains("Plan (dry run, nothing changed").contains("records to read again in total: 12")
                    .contains("DELAYED in window 8").contains("BOARDING in window 4");
            assertThat(h.snapshot()).as("a dry run changes nothing").isEqualTo(stopped);

            IncidentHarness.Ops reprocess = h.ops("ops", "reprocess", "--topic", flightTopic, "--from", startOfDay.toString(),
                    "--group", h.notifierGroup, "--execute");
            assertThat(reprocess.exit()).isZero();
            assertThat(h.snapshot().committed()).as("the notifier's offsets on the flight topic are at the start of the day")
                    .allSatisfy((k, v) -> {
                        if (k.startsWith(h.notifierGroup + ":" + flightTopic)) {
                            assertThat(v).isZero();
                        }
                    });
            h.startNotifier();
            awaitSettled(h);
            assertThat(h.acceptedCounts()).as("a reprocessed day sends nothing again").isEqualTo(accepted);

            // 3. The sender reads every request of the day again (after a crash, a zombie, a bad sender deploy).
            IncidentHarness.Ops senderRunning = h.ops("ops", "reset", "--role", "sender", "--group", h.senderGroup,
                    "--to-datetime", startOfDay.toString(), "--execute");
            assertThat(senderRunning.exit()).isEqualTo(OpsCommand.REFUSED);
            assertThat(senderRunning.out()).contains("Refused, nothing changed").contains(h.senderGroup);
            h.stopSender();
            await("the sender left its group", Duration.ofSeconds(30), () -> h.groupState(h.senderGroup).equalsIgnoreCase("EMPTY"));
            await("webhooks delivered", Duration.ofSeconds(30), () -> h.sim.awaitWebhooks(Duration.ofSeconds(5)));
            IncidentHarness.Snapshot senderStopped = h.snapshot();
            IncidentHarness.Ops resetPlan = h.ops("ops", "reset", "--role", "sender", "--group", h.senderGroup,
                    "--to-datetime", startOfDay.toString());
            assertThat(resetPlan.exit()).isZero();
            long requestRecords = h.records(h.topic(Topics.WHATSAPP_REQUEST)).size();
            // From where the sender is (the offset after the last request it read) back to the log start.
            long committed = senderStopped.committed().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(h.senderGroup + ":")).mapToLong(Map.Entry::getValue).sum();
            assertThat(committed).isGreaterThanOrEqualTo(requestRecords);
            assertThat(resetPlan.out()).contains("records to read again in total: " + committed + "\n")
                    .contains("notify.whatsapp-request.v1" + h.suffix);
            assertThat(h.snapshot()).as("a dry run changes nothing").isEqualTo(senderStopped);
            assertThat(h.ops("ops", "reset", "--role", "sender", "--group", h.senderGroup, "--to-datetime",
                    startOfDay.toString(), "--execute").exit()).isZero();
            long duplicatesBefore = duplicates(h);
            h.startSender();
            awaitSettled(h);
            await("every request read again is reported DUPLICATE", Duration.ofSeconds(60),
                    () -> duplicates(h) >= duplicatesBefore + requestRecords);
            assertThat(h.acceptedCounts()).as("a sender reading the day again sends nothing again").isEqualTo(accepted);
        }
    }

    private static long duplicates(IncidentHarness h) {
        return h.values(Topics.WHATSAPP_STATUS).stream().map(DeliveryStatus::getStatus).filter(s -> s == DeliveryState.DUPLICATE).count();
    }

    /** Waits until the notifier has read every flight event and the sender every request. */
    private static void awaitSettled(IncidentHarness h) {
        h.awaitOr("the notifier and the sender read everything", Duration.ofSeconds(90), () ->
                h.consumedToEnd(h.notifierGroup, h.topic(Topics.FLIGHT_STATUS))
                        && h.consumedToEnd(h.senderGroup, h.topic(Topics.WHATSAPP_REQUEST)));
    }
}
