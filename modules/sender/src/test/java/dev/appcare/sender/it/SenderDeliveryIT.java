package dev.appcare.sender.it;

import static dev.appcare.sender.it.SenderHarness.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.Topics;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The sender against the WhatsApp simulator on a real broker and registry. */
@IntegrationTest
class SenderDeliveryIT {

    private static List<WhatsAppRequest> requests(SenderHarness h, String prefix, int count, int recipientOffset) {
        List<WhatsAppRequest> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String traveller = prefix + "/" + i;
            String phone = phone(recipientOffset + i);
            h.optIn(traveller, phone);
            list.add(Requests.gateChange(prefix + "-" + i, phone, traveller).build());
        }
        h.flush();
        return list;
    }

    private static Set<String> ids(List<WhatsAppRequest> requests) {
        return requests.stream().map(WhatsAppRequest::getMessageId).collect(Collectors.toSet());
    }

    /** Every request accepted once: as many distinct wamids and callback ids as requests, no more. */
    private static void assertAcceptedExactlyOnce(SenderHarness h, Set<String> ids) {
        List<SentMessage> accepted = h.sim.accepted().stream()
                .filter(m -> ids.contains(m.bizOpaqueCallbackData())).toList();
        Set<String> wamids = accepted.stream().map(SentMessage::wamid).collect(Collectors.toSet());
        Set<String> messageIds = accepted.stream().map(SentMessage::bizOpaqueCallbackData).collect(Collectors.toSet());
        assertThat(accepted).as("total accepted").hasSize(ids.size());
        assertThat(wamids).as("distinct wamids").hasSize(ids.size());
        assertThat(messageIds).as("distinct messageIds").isEqualTo(ids);
    }

    @Test
    void shouldAcceptEveryRequestExactlyOnceAtTheCeilingWithoutBeingThrottled(RealInfrastructure infra) {
        int rate = 50;
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(rate).latency(Duration.ofMillis(50), Duration.ofMillis(50))
                    .pairRate(1, Duration.ofSeconds(2)));
            List<WhatsAppRequest> requests = new ArrayList<>(requests(h, "ceiling", 400, 0));
            // A few recipients get three messages each: the pair rate spaces those out.
            for (int i = 0; i < 10; i++) {
                for (int n = 1; n <= 2; n++) {
                    requests.add(Requests.gateChange("ceiling-pair-" + i + "-" + n, phone(i), "ceiling/" + i).build());
                }
            }
            h.requests(requests);
            SenderApp sender = h.startSender(Map.of("sender.rate.per-second", Integer.toString(rate),
                    "sender.pair-interval", "PT2S"));

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(ids(requests), Duration.ofSeconds(60));

            assertThat(decisions.values()).extracting(DeliveryStatus::getStatus).containsOnly(DeliveryState.ACCEPTED);
            assertAcceptedExactlyOnce(h, ids(requests));
            assertThat(h.sim.rejectionCount(GraphErrors.THROUGHPUT)).as("130429 caused by pacing").isZero();
            assertThat(h.sim.rejectionCount(GraphErrors.PAIR_RATE)).as("131056 caused by pacing").isZero();
            // Throughput while there is work for many recipients: the first 400 acceptances (the pair-rate
            // followers of a few recipients form a slower tail on purpose).
            List<Instant> times = h.sim.accepted().stream().map(SentMessage::acceptedAt).sorted().limit(400).toList();
            double seconds = Duration.between(times.get(0), times.get(times.size() - 1)).toMillis() / 1000.0;
            double achieved = (times.size() - 1) / seconds;
            System.out.printf("Ceiling %d msg/s: %d accepted in %.2f s = %.1f msg/s (%.0f%% of the ceiling), "
                    + "0 x 130429, 0 x 131056%n", rate, times.size(), seconds, achieved, 100 * achieved / rate);
            assertThat(achieved).as("runs at the ceiling when there is work").isGreaterThan(rate * 0.85);
            assertThat(h.ledger().values()).extracting(e -> e.getState()).containsOnly(LedgerState.ACCEPTED);
            assertThat(sender.isHealthy()).isTrue();
        }
    }

    @Test
    void shouldRetryInjectedServerErrorsAndThrottlingBurstsUntilEverythingIsDelivered(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(100).latency(Duration.ofMillis(20)));
            List<WhatsAppRequest> requests = requests(h, "retry", 300, 1000);
            h.sim.faults().nextRequests(20, Fault.serverError());
            h.sim.faults().nextRequests(10, Fault.serviceUnavailable());
            h.sim.faults().nextRequests(40, Fault.error(GraphErrors.THROUGHPUT));
            h.sim.faults().fractionOfRequests(0.05, Fault.error(GraphErrors.SOMETHING_WENT_WRONG, 502));
            h.requests(requests);
            SenderApp sender = h.startSender(Map.of("sender.rate.per-second", "100"));
            SenderHarness.await("half delivered", Duration.ofSeconds(60), () -> h.sim.acceptedCount() >= 150);
            h.sim.faults().nextRequests(30, Fault.error(GraphErrors.THROUGHPUT)); // a second burst mid-run

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(ids(requests), Duration.ofSeconds(90));

            assertThat(decisions.values()).extracting(DeliveryStatus::getStatus).containsOnly(DeliveryState.ACCEPTED);
            assertAcceptedExactlyOnce(h, ids(requests));
            double retried = sender.meterRegistry().find("appcare.sender.calls").tag("class", "THROTTLED").counter().count()
                    + sender.meterRegistry().find("appcare.sender.calls").tag("class", "TEMPORARY").counter().count();
            System.out.printf("Retries: %.0f throttled/temporary answers, injected %d; all %d delivered once%n",
                    retried, h.sim.faults().injectedCount(), requests.size());
            assertThat(retried).isGreaterThanOrEqualTo(100);
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterTerminalErrorsWithTheirCode(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(80));
            List<WhatsAppRequest> requests = new ArrayList<>(requests(h, "terminal", 20, 2000));
            int[] codes = {GraphErrors.UNDELIVERABLE, GraphErrors.RE_ENGAGEMENT, GraphErrors.MARKETING_OPT_OUT,
                    GraphErrors.TEMPLATE_NOT_FOUND, GraphErrors.INVALID_PARAMETER};
            for (int i = 0; i < codes.length; i++) {
                h.sim.faults().forRecipient(requests.get(i).getRecipient(), Fault.error(codes[i]));
            }
            // And one the simulator refuses on its own: a template parameter count that does not match.
            WhatsAppRequest badTemplate = Requests.gateChange("terminal-bad-template", phone(2100), "terminal/bad")
                    .setParameters(Requests.params("only one")).build();
            h.optIn("terminal/bad", phone(2100));
            requests.add(badTemplate);
            h.requests(requests);
            h.startSender(Map.of());

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(ids(requests), Duration.ofSeconds(60));

            List<DeadLetter> deadLetters = h.deadLetters();
            Map<String, DeadLetter> byId = deadLetters.stream()
                    .collect(Collectors.toMap(DeadLetter::getMessageId, Function.identity()));
            assertThat(deadLetters).hasSize(codes.length + 1);
            for (int i = 0; i < codes.length; i++) {
                String id = requests.get(i).getMessageId();
                assertThat(byId.get(id).getErrorCode()).isEqualTo(codes[i]);
                assertThat(byId.get(id).getErrorType()).isEqualTo("WHATSAPP_TERMINAL");
                assertThat(byId.get(id).getReason()).contains(Integer.toString(codes[i]));
                assertThat(decisions.get(id).getStatus()).isEqualTo(DeliveryState.DEAD_LETTERED);
                assertThat(decisions.get(id).getErrorCode()).isEqualTo(codes[i]);
                // The original bytes are there to redrive.
                WhatsAppRequest original = Topics.WHATSAPP_REQUEST.valueSerde(h.serde).deserializer()
                        .deserialize(h.topics.name(Topics.WHATSAPP_REQUEST), byId.get(id).getOriginalValue().array());
                assertThat(original.getMessageId()).isEqualTo(id);
            }
            assertThat(byId.get("terminal-bad-template").getErrorCode()).isEqualTo(GraphErrors.TEMPLATE_PARAM_COUNT);
            assertThat(h.ledger().get("terminal-bad-template").getState()).isEqualTo(LedgerState.DROPPED);
            assertThat(decisions.values().stream().filter(s -> s.getStatus() == DeliveryState.ACCEPTED)).hasSize(15);
        }
    }

    @Test
    void shouldNotSendExpiredOrSupersededRequests(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(80).pairRate(1, Duration.ofSeconds(2)));
            String x = phone(3000);
            String y = phone(3001);
            String z = phone(3002);
            h.optIn("XXX001/1", x);
            h.optIn("YYY001/1", y);
            h.optIn("ZZZ001/1", z);
            Instant now = Instant.now();
            List<WhatsAppRequest> requests = List.of(
                    // Expired before the sender saw it.
                    Requests.gateChange("expired", x, "XXX001/1").setExpiresAt(now.minusSeconds(60)).build(),
                    // x-1 goes first; x-2 waits for x's pair interval and is superseded by x-3 meanwhile.
                    Requests.gateChange("x-1", x, "XXX001/1").build(),
                    Requests.gateChange("x-2", x, "XXX001/1").build(),
                    Requests.gateChange("x-3", x, "XXX001/1").setSupersedes("x-2").build(),
                    // y-2 replaces y-1 before y-1 even arrived (replayed out of order).
                    Requests.gateChange("y-2", y, "YYY001/1").setSupersedes("y-1").build(),
                    Requests.gateChange("y-1", y, "YYY001/1").build(),
                    // z-1 cannot be delivered before it expires: WhatsApp keeps failing.
                    Requests.gateChange("z-1", z, "ZZZ001/1").setExpiresAt(now.plusSeconds(4)).build());
            h.sim.faults().forRecipient(z, Fault.serverError());
            h.requests(requests);
            h.startSender(Map.of("sender.pair-interval", "PT2S"));

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(
                    List.of("expired", "x-1", "x-2", "x-3", "y-1", "y-2", "z-1"), Duration.ofSeconds(60));

            assertThat(decisions.get("expired").getStatus()).isEqualTo(DeliveryState.EXPIRED);
            assertThat(decisions.get("x-2").getStatus()).isEqualTo(DeliveryState.SUPERSEDED);
            assertThat(decisions.get("x-2").getErrorTitle()).contains("x-3");
            assertThat(decisions.get("y-1").getStatus()).isEqualTo(DeliveryState.DUPLICATE);
            assertThat(h.statuses()).anyMatch(s -> s.getMessageId().equals("y-1")
                    && s.getStatus() == DeliveryState.SUPERSEDED);
            assertThat(decisions.get("z-1").getStatus()).isEqualTo(DeliveryState.EXPIRED);
            assertThat(decisions.get("z-1").getErrorTitle()).contains("expired while retrying").contains("131000");
            assertThat(h.sim.acceptedFor(x)).extracting(SentMessage::bizOpaqueCallbackData).containsExactly("x-1", "x-3");
            assertThat(h.sim.acceptedFor(y)).extracting(SentMessage::bizOpaqueCallbackData).containsExactly("y-2");
            assertThat(h.sim.acceptedFor(z)).isEmpty();
            assertThat(h.ledger().get("x-2").getState()).isEqualTo(LedgerState.DROPPED);
            assertThat(h.ledger().get("expired").getState()).isEqualTo(LedgerState.DROPPED);
        }
    }

    @Test
    void shouldLetUrgentRequestsOvertakeABulkBacklog(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(20));
            List<WhatsAppRequest> requests = new ArrayList<>();
            for (WhatsAppRequest r : requests(h, "bulk", 100, 4000)) {
                requests.add(WhatsAppRequest.newBuilder(r).setPriority(Priority.BULK).build());
            }
            for (WhatsAppRequest r : requests(h, "urgent", 10, 4200)) {
                requests.add(WhatsAppRequest.newBuilder(r).setPriority(Priority.URGENT).build());
            }
            h.requests(requests); // the urgent ones come last in every partition
            h.startSender(Map.of("sender.rate.per-second", "20"));
            h.awaitDecisions(ids(requests), Duration.ofSeconds(60));

            List<String> order = h.sim.accepted().stream().sorted(Comparator.comparing(SentMessage::acceptedAt))
                    .map(SentMessage::bizOpaqueCallbackData).toList();
            int lastUrgent = 0;
            for (int i = 0; i < order.size(); i++) {
                if (order.get(i).startsWith("urgent")) {
                    lastUrgent = i;
                }
            }
            System.out.println("Last urgent request was sent as number " + (lastUrgent + 1) + " of " + order.size());
            assertThat(lastUrgent).as("urgent requests overtake the bulk backlog").isLessThan(30);
        }
    }

    @Test
    void shouldNeverSendAgainWhenRequestsAreReplayedOrReprocessedByAFreshGroup(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(100));
            List<WhatsAppRequest> requests = requests(h, "replay", 100, 5000);
            h.requests(requests);
            SenderApp first = h.startSender(Map.of("sender.rate.per-second", "100"));
            h.awaitDecisions(ids(requests), Duration.ofSeconds(60));
            first.stop();

            h.requests(requests); // an upstream replay of the same requests
            h.startSender(Map.of("sender.rate.per-second", "100", "sender.group-id", "fresh-group" + h.suffix));
            SenderHarness.await("duplicates reported", Duration.ofSeconds(60), () -> h.statuses().stream()
                    .filter(s -> s.getStatus() == DeliveryState.DUPLICATE).count() >= 2L * requests.size());

            assertAcceptedExactlyOnce(h, ids(requests));
            Set<String> duplicated = new HashSet<>();
            h.statuses().stream().filter(s -> s.getStatus() == DeliveryState.DUPLICATE)
                    .forEach(s -> duplicated.add(s.getMessageId()));
            assertThat(duplicated).isEqualTo(ids(requests));
        }
    }
}
