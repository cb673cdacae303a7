package dev.appcare.sender.it;

import static dev.appcare.sender.it.SenderHarness.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.sender.Requests;
import dev.appcare.sender.SenderApp;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.Fault;
import dev.appcare.whatsappsim.GraphErrors;
import dev.appcare.whatsappsim.SentMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The portfolio's messaging limit and a number in maintenance (131057), on the real broker (issue 13, item 2). */
@IntegrationTest
class SenderMessagingLimitIT {

    private static List<WhatsAppRequest> requests(SenderHarness h, String prefix, int count, int recipientOffset,
                                                  Priority priority, Instant expiresAt) {
        List<WhatsAppRequest> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String traveller = prefix + "/" + i;
            h.optIn(traveller, phone(recipientOffset + i));
            list.add(Requests.gateChange(prefix + "-" + i, phone(recipientOffset + i), traveller).setPriority(priority)
                    .setExpiresAt(expiresAt).build());
        }
        return list;
    }

    private static Set<String> ids(List<WhatsAppRequest> requests) {
        return requests.stream().map(WhatsAppRequest::getMessageId).collect(Collectors.toSet());
    }

    @Test
    void shouldStillSendUrgentWhenTheTierIsNearlyUsedWhileNormalWaitsAndExpiresWithItsReason(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(200));
            Instant later = Instant.now().plus(Duration.ofHours(2));
            // Tier 250, reserve 10 %: NORMAL requests start conversations with up to 225 recipients.
            List<WhatsAppRequest> first = requests(h, "tier", 225, 0, Priority.NORMAL, later);
            h.requests(first);
            SenderApp sender = h.startSender(Map.of("sender.rate.per-second", "200", "whatsapp.request-timeout", "PT30S",
                    "whatsapp.portfolio.default.tier", "250", "sender.messaging-limit.urgent-reserve", "0.1"));
            h.awaitDecisions(ids(first), Duration.ofSeconds(60));

            Instant soon = Instant.now().plus(Duration.ofSeconds(15));
            List<WhatsAppRequest> normal = requests(h, "held", 20, 1_000, Priority.NORMAL, soon);
            List<WhatsAppRequest> urgent = requests(h, "urgent", 20, 2_000, Priority.URGENT, later);
            List<WhatsAppRequest> again = List.of(Requests.gateChange("tier-0-again", phone(0), "tier/0").build());
            List<WhatsAppRequest> wave = new ArrayList<>(normal);
            wave.addAll(urgent);
            wave.addAll(again);
            h.requests(wave);

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(ids(wave), Duration.ofSeconds(60));

            assertThat(urgent).allSatisfy(r -> assertThat(decisions.get(r.getMessageId()).getStatus())
                    .as("URGENT from the reserve").isEqualTo(DeliveryState.ACCEPTED));
            assertThat(decisions.get("tier-0-again").getStatus()).as("a recipient already in the window costs nothing")
                    .isEqualTo(DeliveryState.ACCEPTED);
            assertThat(normal).allSatisfy(r -> {
                DeliveryStatus status = decisions.get(r.getMessageId());
                assertThat(status.getStatus()).isEqualTo(DeliveryState.EXPIRED);
                assertThat(status.getErrorTitle()).startsWith("expired while waiting for the messaging limit of "
                        + "portfolio default (").endsWith(" of 250 unique recipients in 24 h on this instance; the rest "
                        + "is kept for URGENT)");
            });
            Set<String> sent = h.sim.accepted().stream().map(SentMessage::bizOpaqueCallbackData).collect(Collectors.toSet());
            assertThat(sent).as("no NORMAL beyond the reserve reached WhatsApp").doesNotContainAnyElementsOf(ids(normal));
            assertThat(h.sim.acceptedCount()).isEqualTo(225 + 20 + 1);
            double held = sender.meterRegistry().find("appcare.sender.messaging.limit").tag("outcome", "held").counter().count();
            double reserve = sender.meterRegistry().find("appcare.sender.messaging.limit").tag("outcome", "urgent-from-reserve")
                    .counter().count();
            assertThat(reserve).isEqualTo(20);
            assertThat(held).isGreaterThanOrEqualTo(20);
            assertThat(sender.meterRegistry().find("appcare.sender.messaging.limit.used").gauge().value()).isEqualTo(245);
            System.out.printf("Messaging limit 250 (reserve 25): 225 NORMAL + 20 URGENT + 1 repeat sent, 20 NORMAL held "
                    + "%.0f times and expired with their reason%n", held);
        }
    }

    @Test
    void shouldPauseANumberInMaintenanceAndSendEverythingOnceAfterwards(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(100));
            List<WhatsAppRequest> requests = requests(h, "upgrade", 200, 3_000, Priority.NORMAL,
                    Instant.now().plus(Duration.ofHours(2)));
            h.sim.faults().forPhoneNumberId(SenderHarness.PHONE_NUMBER_ID, 5, Fault.error(GraphErrors.MAINTENANCE_MODE));
            h.requests(requests);
            SenderApp sender = h.startSender(Map.of("sender.rate.per-second", "100", "sender.number-pause", "PT2S",
                    "whatsapp.request-timeout", "PT30S"));

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(ids(requests), Duration.ofSeconds(60));

            assertThat(decisions.values()).extracting(DeliveryStatus::getStatus).containsOnly(DeliveryState.ACCEPTED);
            assertThat(h.sim.accepted().stream().map(SentMessage::bizOpaqueCallbackData).collect(Collectors.toSet()))
                    .isEqualTo(ids(requests));
            assertThat(h.sim.acceptedCount()).isEqualTo(200);
            assertThat(h.sim.rejectionCount(GraphErrors.MAINTENANCE_MODE)).isEqualTo(5);
            assertThat(h.deadLetters()).isEmpty();
            double paused = sender.meterRegistry().find("appcare.sender.number.calls").tag("class", "NUMBER_PAUSED")
                    .counter().count();
            assertThat(paused).isEqualTo(5);
            assertThat(sender.meterRegistry().find("appcare.sender.calls").tag("class", "TERMINAL").counter()).isNull();
        }
    }
}
