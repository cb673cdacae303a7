package dev.appcare.sender.it;

import static dev.appcare.sender.it.SenderHarness.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.sender.Requests;
import dev.appcare.sender.SenderApp;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.SentMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several senders on one request topic: through rebalances, a zombie (SIGSTOP past the session timeout,
 * then SIGCONT) and a kill -9, WhatsApp accepts no messageId twice, nothing is lost, and a killed
 * instance's partitions are taken over within seconds.
 */
@IntegrationTest
class SenderFencingIT {
    private static final int PARTITIONS = 6;

    private static List<WhatsAppRequest> requests(SenderHarness h, String prefix, int count, int phoneOffset) {
        List<WhatsAppRequest> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            h.optIn(prefix + "/" + i, phone(phoneOffset + i));
            list.add(Requests.gateChange(prefix + "-" + i, phone(phoneOffset + i), prefix + "/" + i).build());
        }
        h.flush();
        return list;
    }

    private static Set<String> ids(List<WhatsAppRequest> requests) {
        return requests.stream().map(WhatsAppRequest::getMessageId).collect(Collectors.toSet());
    }

    /** Per messageId, how often WhatsApp accepted it. */
    private static Map<String, Long> sends(SenderHarness h, Set<String> ids) {
        return h.sim.accepted().stream().map(SentMessage::bizOpaqueCallbackData).filter(ids::contains)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    /** Waits until every id has a decision; returns the decisions seen per id. */
    private static Map<String, Set<DeliveryState>> awaitAllDecided(SenderHarness h, Set<String> ids, Duration timeout) {
        Map<String, Set<DeliveryState>> decided = new HashMap<>();
        SenderHarness.await("every request decided", timeout, () -> {
            decided.clear();
            for (DeliveryStatus s : h.statuses()) {
                if (SenderHarness.DECISIONS.contains(s.getStatus())) {
                    decided.computeIfAbsent(s.getMessageId(), k -> new HashSet<>()).add(s.getStatus());
                }
            }
            return decided.keySet().containsAll(ids);
        });
        return decided;
    }

    private static void report(String scenario, Set<String> ids, Map<String, Long> sends, Map<String, Set<DeliveryState>> decided) {
        long twice = sends.values().stream().filter(n -> n > 1).count();
        Set<String> inDoubt = decided.entrySet().stream().filter(e -> e.getValue().contains(DeliveryState.UNKNOWN))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        long inDoubtSent = inDoubt.stream().filter(sends::containsKey).count();
        long lost = ids.stream().filter(id -> !sends.containsKey(id) && !inDoubt.contains(id)).count();
        System.out.printf("%s: %d requests, %d accepted, %d accepted twice, %d in doubt (of which WhatsApp had %d), "
                + "%d lost%n", scenario, ids.size(), sends.size(), twice, inDoubt.size(), inDoubtSent, lost);
    }

    @Test
    void shouldAcceptNoMessageIdTwiceWithTwoSendersThroughRebalances(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, PARTITIONS)) {
            h.startSimulator(b -> b.throughputPerSecond(400).latency(Duration.ofMillis(40), Duration.ofMillis(40)));
            List<WhatsAppRequest> requests = requests(h, "rebalance", 1200, 20_000);
            Set<String> ids = ids(requests);
            Map<String, String> settings = Map.of("sender.rate.per-second", "60", "sender.rate.share-by-partitions", "false");
            SenderApp a = h.startSender(settings);
            h.requests(requests);
            SenderHarness.await("A under way", Duration.ofSeconds(60), () -> h.sim.acceptedCount() >= 200);
            SenderApp b = h.startSender(settings); // cooperative rebalance: A keeps some partitions
            SenderHarness.await("both sending", Duration.ofSeconds(60), () -> b.acceptedCount() >= 50);
            assertThat(a.ownedRequestPartitions()).as("A after B joined").isNotEmpty();
            a.stop(); // its partitions move to B
            Map<String, Set<DeliveryState>> decided = awaitAllDecided(h, ids, Duration.ofSeconds(120));

            Map<String, Long> sends = sends(h, ids);
            report("Two senders, B joins, A leaves", ids, sends, decided);
            assertThat(sends.values()).as("accepted once each").containsOnly(1L);
            assertThat(sends.keySet()).as("every request accepted").isEqualTo(ids);
            assertThat(b.ownedRequestPartitions()).hasSize(PARTITIONS);
        }
    }

    @Test
    void shouldAcceptNoMessageIdTwiceWhenAPausedSenderWakesUpAsAZombie(RealInfrastructure infra, @TempDir Path dir)
            throws Exception {
        try (SenderHarness h = new SenderHarness(infra, PARTITIONS)) {
            int zombiePort = ChildSender.freePort();
            h.startSimulator(b -> b.throughputPerSecond(400).latency(Duration.ofMillis(150), Duration.ofMillis(100))
                    .webhookUrl(URI.create("http://127.0.0.1:" + zombiePort + "/webhooks/whatsapp")));
            List<WhatsAppRequest> requests = requests(h, "zombie", 1500, 30_000);
            Set<String> ids = ids(requests);
            h.requests(requests);
            Map<String, String> settings = Map.of("sender.rate.per-second", "80", "sender.webhook.port",
                    Integer.toString(zombiePort), "sender.rate.share-by-partitions", "false");
            try (ChildSender zombie = ChildSender.launch(h, dir, "zombie", settings)) {
                SenderHarness.await("the first sender under way", Duration.ofSeconds(90), () -> h.sim.acceptedCount() >= 200);
                zombie.signal("STOP"); // a long GC pause, a frozen VM: calls in flight, queue full
                long stoppedAt = h.sim.acceptedCount();
                SenderApp survivor = h.startSender(Map.of("sender.rate.per-second", "80",
                        "sender.rate.share-by-partitions", "false"));
                SenderHarness.await("the survivor took over", Duration.ofSeconds(60), () -> survivor.acceptedCount() >= 150);
                zombie.signal("CONT"); // wakes up believing it still owns its partitions
                SenderHarness.await("the zombie noticed", Duration.ofSeconds(30), () -> {
                    String log = zombie.logText();
                    return log.contains("Partitions lost") || log.contains("Partitions revoked");
                });
                Map<String, Set<DeliveryState>> decided = awaitAllDecided(h, ids, Duration.ofSeconds(120));

                Map<String, Long> sends = sends(h, ids);
                report("Zombie (SIGSTOP at " + stoppedAt + " accepted, SIGCONT after takeover)", ids, sends, decided);
                assertThat(sends.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                        .as("messageIds accepted twice").isEmpty();
                List<String> lost = ids.stream().filter(id -> !sends.containsKey(id)
                        && !decided.get(id).contains(DeliveryState.UNKNOWN)).toList();
                assertThat(lost).as("neither accepted nor reported in doubt").isEmpty();
                long inDoubtNeverSent = ids.stream().filter(id -> !sends.containsKey(id)).count();
                assertThat(inDoubtNeverSent).as("in doubt and not sent: at most the zombie's calls in flight").isLessThanOrEqualTo(80);
            }
        }
    }

    @Test
    void shouldTakeOverAKilledSendersPartitionsWithinSeconds(RealInfrastructure infra, @TempDir Path dir) throws Exception {
        try (SenderHarness h = new SenderHarness(infra, PARTITIONS)) {
            h.startSimulator(b -> b.throughputPerSecond(400).latency(Duration.ofMillis(30), Duration.ofMillis(20)));
            List<WhatsAppRequest> requests = requests(h, "takeover", 2400, 40_000);
            Set<String> ids = ids(requests);
            Map<String, String> settings = Map.of("sender.rate.per-second", "60", "sender.rate.share-by-partitions", "false");
            SenderApp survivor = h.startSender(settings);
            SenderHarness.await("the survivor owns every partition", Duration.ofSeconds(60),
                    () -> survivor.ownedRequestPartitions().size() == PARTITIONS);
            try (ChildSender victim = ChildSender.launch(h, dir, "victim", Map.of("sender.rate.per-second", "60",
                    "sender.rate.share-by-partitions", "false", "sender.webhook.enabled", "false"))) {
                SenderHarness.await("partitions shared with the victim", Duration.ofSeconds(90), () -> {
                    assertThat(victim.process.isAlive()).as("victim running: " + victim.logText()).isTrue();
                    int owned = survivor.ownedRequestPartitions().size();
                    return owned > 0 && owned < PARTITIONS;
                });
                h.requests(requests);
                SenderHarness.await("both under way", Duration.ofSeconds(60), () -> h.sim.acceptedCount() >= 300);
                Set<Integer> victims = new HashSet<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    victims.add(p);
                }
                victims.removeAll(survivor.ownedRequestPartitions());
                java.time.Instant killedAt = java.time.Instant.now();
                victim.signal("KILL");
                assertThat(victim.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                // What the victim had claimed is its own (calls in flight at the kill); the survivor's are the rest.
                Set<String> claimedByVictim = h.ledger().keySet();
                Map<String, String> recipientOf = requests.stream()
                        .collect(Collectors.toMap(WhatsAppRequest::getMessageId, WhatsAppRequest::getRecipient));
                java.util.function.Predicate<SentMessage> survivorsFromVictimPartitions = m ->
                        recipientOf.containsKey(m.bizOpaqueCallbackData())
                                && !claimedByVictim.contains(m.bizOpaqueCallbackData())
                                && victims.contains(partition(recipientOf.get(m.bizOpaqueCallbackData())));
                SenderHarness.await("the survivor owns the killed sender's partitions", Duration.ofSeconds(60),
                        () -> survivor.ownedRequestPartitions().size() == PARTITIONS);
                double takeover = Duration.between(killedAt, java.time.Instant.now()).toMillis() / 1000.0;
                SenderHarness.await("a delivery from the killed sender's partitions", Duration.ofSeconds(60), () ->
                        h.sim.accepted().stream().anyMatch(survivorsFromVictimPartitions));
                java.time.Instant firstAfter = h.sim.accepted().stream().filter(survivorsFromVictimPartitions)
                        .map(SentMessage::acceptedAt).min(java.util.Comparator.naturalOrder()).orElseThrow();
                double seconds = Duration.between(killedAt, firstAfter).toMillis() / 1000.0;
                // The first delivery also waits for the survivor's own backlog ahead of it (arrival order).
                System.out.printf("Takeover: kill -9 of the sender owning partitions %s -> the survivor owns them after "
                        + "%.1f s, first delivery from them after %.1f s (session timeout 6 s)%n", victims, takeover, seconds);
                Map<String, Set<DeliveryState>> decided = awaitAllDecided(h, ids, Duration.ofSeconds(120));
                Map<String, Long> sends = sends(h, ids);
                report("kill -9 of one of two senders", ids, sends, decided);
                assertThat(takeover).as("takeover time").isLessThan(10.0);
                assertThat(sends.values()).as("accepted at most once").allMatch(n -> n == 1);
            }
        }
    }

    private static int partition(String recipient) {
        return Utils.toPositive(Utils.murmur2(recipient.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }
}
