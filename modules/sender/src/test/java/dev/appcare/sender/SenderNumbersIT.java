package dev.appcare.sender;

import static dev.appcare.sender.it.SenderHarness.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.runtime.AppConfig;
import dev.appcare.sender.it.SenderHarness;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.GraphErrors;
import dev.appcare.whatsappsim.SentMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Several business numbers at once, on the real broker and the simulator (issue 13, item 1). */
@IntegrationTest
class SenderNumbersIT {
    private static final Map<String, String> IDS = Map.of("a", "106540352240001", "b", "106540352240002",
            "c", "106540352240003");
    private static final Map<String, Integer> CEILINGS = Map.of("a", 20, "b", 30, "c", 40);

    @Test
    void shouldSendThroughThreeNumbersEachAtItsCeilingWithOneTravellerAlwaysOnOneNumber(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> {
                b.phoneNumberIds(IDS.values()).latency(Duration.ofMillis(30), Duration.ofMillis(30))
                        .pairRate(1, Duration.ofSeconds(2));
                CEILINGS.forEach((name, rate) -> b.throughputPerSecond(IDS.get(name), rate));
            });
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("whatsapp.numbers", "a,b,c");
            // This shared machine (load 30-50 while the team builds) makes ledger claims slow: enough calls in
            // flight that the permits never cap the rate, and no in-doubt calls from slow answers.
            settings.put("whatsapp.request-timeout", "PT30S");
            settings.put("sender.max-in-flight", "400");
            CEILINGS.forEach((name, rate) -> {
                settings.put("whatsapp.number." + name + ".phone-number-id", IDS.get(name));
                settings.put("whatsapp.number." + name + ".token", SenderHarness.TOKEN);
                settings.put("whatsapp.number." + name + ".rate", Integer.toString(rate));
                settings.put("whatsapp.number." + name + ".pair-interval", "PT2S");
            });
            // 1,200 travellers, every tenth of them with two messages (which must come from one number).
            List<WhatsAppRequest> requests = new ArrayList<>();
            for (int i = 0; i < 1_200; i++) {
                String traveller = "multi/" + i;
                h.optIn(traveller, phone(i));
                requests.add(Requests.gateChange("multi-" + i, phone(i), traveller).build());
                if (i % 10 == 0) {
                    requests.add(Requests.gateChange("multi-" + i + "-again", phone(i), traveller).build());
                }
            }
            h.requests(requests);
            SenderConfig config = SenderConfig.from(AppConfig.of(h.senderSettings(settings)));
            NumberRouter router = new NumberRouter(config.numbers());
            Map<String, String> expectedNumber = requests.stream().collect(Collectors.toMap(WhatsAppRequest::getMessageId,
                    r -> IDS.get(router.numberFor(r))));
            SenderApp sender = h.startSender(settings);

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(expectedNumber.keySet(), Duration.ofSeconds(120));

            assertThat(decisions.values()).extracting(DeliveryStatus::getStatus).containsOnly(DeliveryState.ACCEPTED);
            List<SentMessage> accepted = h.sim.accepted();
            assertThat(accepted).hasSize(requests.size());
            assertThat(accepted.stream().map(SentMessage::bizOpaqueCallbackData).collect(Collectors.toSet()))
                    .as("no messageId accepted twice").hasSize(requests.size());
            Map<String, String> actualNumber = accepted.stream().collect(Collectors.toMap(
                    SentMessage::bizOpaqueCallbackData, SentMessage::phoneNumberId));
            assertThat(actualNumber).as("each message from the number the rule names").isEqualTo(expectedNumber);
            Map<String, Set<String>> numbersPerRecipient = accepted.stream().collect(Collectors.groupingBy(
                    SentMessage::waId, Collectors.mapping(SentMessage::phoneNumberId, Collectors.toSet())));
            assertThat(numbersPerRecipient.values()).as("one traveller, one number").allSatisfy(s -> assertThat(s).hasSize(1));
            Map<String, Long> expectedCounts = expectedNumber.values().stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            Map<String, Long> counts = accepted.stream()
                    .collect(Collectors.groupingBy(SentMessage::phoneNumberId, Collectors.counting()));
            assertThat(counts).isEqualTo(expectedCounts);
            assertThat(counts.values()).as("the hash spreads travellers").allSatisfy(n -> assertThat(n).isBetween(300L, 580L));
            assertThat(h.sim.rejectionCount(GraphErrors.THROUGHPUT)).as("130429").isZero();
            assertThat(h.sim.rejectionCount(GraphErrors.PAIR_RATE)).as("131056").isZero();

            Map<String, Double> achieved = new HashMap<>();
            for (String name : List.of("a", "b", "c")) {
                List<Instant> times = accepted.stream().filter(m -> m.phoneNumberId().equals(IDS.get(name)))
                        .map(SentMessage::acceptedAt).sorted().toList();
                int n = times.size() * 9 / 10; // the pair-rate followers form a slower tail
                double seconds = Duration.between(times.get(0), times.get(n - 1)).toMillis() / 1000.0;
                achieved.put(name, (n - 1) / seconds);
                System.out.printf("number %s (ceiling %d msg/s): %d accepted, %.1f msg/s over the first %d (%.0f%% of "
                                + "its ceiling)%n", name, CEILINGS.get(name), times.size(), (n - 1) / seconds, n,
                        100 * (n - 1) / seconds / CEILINGS.get(name));
            }
            // Each number paces to its own ceiling: one shared pacer would hold all three to 20 msg/s together
            // (a third of the slowest). Not tighter than 50 %: on this shared machine (load 30-50 while the team
            // builds) tokens of a 50 ms burst are lost to scheduling delay; the figures above are printed.
            achieved.forEach((name, rate) -> assertThat(rate).as("number %s runs near its own ceiling", name)
                    .isGreaterThan(CEILINGS.get(name) * 0.5));
            assertThat(sender.isHealthy()).isTrue();
        }
    }
}
