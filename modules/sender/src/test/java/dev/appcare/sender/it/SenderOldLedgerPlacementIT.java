package dev.appcare.sender.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.Requests;
import dev.appcare.sender.SenderApp;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.SentMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Ledger entries written by a sender from before the co-partitioning: placed by the messageId's hash, not in
 * the partition of their request. One instance holds every partition, so it sees them; before the fix a
 * redrive of such an id lost every claim to the old entry and claimed again for ever (found in
 * {@code RedriveUnderLiveTrafficIT}: 129,285 ledger records for 10,000 requests in 2 minutes, nothing sent).
 * Now each old entry is moved where its request is and decides as it would have: a dead-lettered id that
 * ops redrive is sent once, an id the old sender had sent is not sent again.
 */
@IntegrationTest
class SenderOldLedgerPlacementIT {
    private static final int PARTITIONS = 3;
    private static final int EACH = 20;

    @Test
    void shouldMoveOldEntriesWhereTheirRequestIsAndSendEachRedrivenIdOnceWithoutLooping(RealInfrastructure infra)
            throws Exception {
        try (SenderHarness h = new SenderHarness(infra, PARTITIONS)) {
            h.startSimulator(b -> b.throughputPerSecond(200));
            long before = System.currentTimeMillis() - 60_000;
            List<WhatsAppRequest> redriven = new ArrayList<>();
            List<WhatsAppRequest> sentBefore = new ArrayList<>();
            Map<String, Integer> oldPartition = new HashMap<>();
            Map<String, Integer> requestPartition = new HashMap<>();
            for (int i = 0; redriven.size() < EACH || sentBefore.size() < EACH; i++) {
                String phone = SenderHarness.phone(7000 + i);
                WhatsAppRequest request = Requests.gateChange("old-placement-" + i, phone, "old/" + i).build();
                int placed = Utils.toPositive(Utils.murmur2(request.getMessageId().getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
                if (placed == SendLedger.partitionForRecipient(phone, PARTITIONS)) {
                    continue; // only ids the old placement put in another partition than their request's
                }
                h.optIn("old/" + i, phone);
                oldPartition.put(request.getMessageId(), placed);
                requestPartition.put(request.getMessageId(), SendLedger.partitionForRecipient(phone, PARTITIONS));
                long expires = request.getExpiresAt().toEpochMilli();
                if (redriven.size() < EACH) {
                    redriven.add(request); // dead-lettered in an outage by the old sender
                    h.ledgerEntry(placed, LedgerEntries.dropped(request.getMessageId(), before, expires, "dead-lettered"));
                } else {
                    sentBefore.add(request); // accepted by WhatsApp through the old sender
                    h.ledgerEntry(placed, LedgerEntries.entry(request.getMessageId(), LedgerState.ACCEPTED, before,
                            "wamid.old-" + i, expires));
                }
            }
            h.flush();
            redriven.forEach(r -> h.replayed(r, Replay.Kind.REDRIVE)); // ops redrive the dead letters
            h.requests(sentBefore); // and the others come again (an upstream replay)

            SenderApp sender = h.startSender(Map.of("sender.rate.per-second", "100"));
            Set<String> all = new HashSet<>(oldPartition.keySet());
            Map<String, DeliveryStatus> decisions = h.awaitDecisions(all, Duration.ofSeconds(90));

            Set<String> redrivenIds = ids(redriven);
            List<SentMessage> accepted = h.sim.accepted().stream().filter(m -> all.contains(m.bizOpaqueCallbackData())).toList();
            assertThat(accepted).extracting(SentMessage::bizOpaqueCallbackData).as("each redriven id sent once, no other")
                    .hasSize(EACH).containsExactlyInAnyOrderElementsOf(redrivenIds);
            assertThat(redriven).allSatisfy(r -> assertThat(decisions.get(r.getMessageId()).getStatus())
                    .isEqualTo(DeliveryState.ACCEPTED));
            assertThat(sentBefore).allSatisfy(r -> assertThat(decisions.get(r.getMessageId()).getStatus())
                    .isEqualTo(DeliveryState.DUPLICATE));

            // Moved: the last word on each id in its old partition is a tombstone, in the request's partition
            // its entry (ACCEPTED: the redrive's new wamid, or the old sender's). And no loop: a handful of
            // records per id (the old entry, its copy, the tombstone, a claim, the acceptance), not thousands.
            List<ConsumerRecord<String, byte[]>> records = h.records(h.topics.name(Topics.SENDER_LEDGER)).stream()
                    .filter(r -> all.contains(r.key())).toList();
            Map<String, ConsumerRecord<String, byte[]>> lastInOld = new HashMap<>();
            records.stream().filter(r -> r.partition() == oldPartition.get(r.key())).forEach(r -> lastInOld.put(r.key(), r));
            assertThat(lastInOld).hasSize(2 * EACH).allSatisfy((id, r) -> assertThat(r.value()).as(id).isNull());
            assertThat(records).as("ledger records of those ids").hasSizeLessThanOrEqualTo(all.size() * 6);
            Map<String, dev.appcare.avro.SendLedgerEntry> ledger = new HashMap<>(); // as the owner of each request's partition reads it
            records.stream().filter(r -> r.partition() == requestPartition.get(r.key())).forEach(r -> {
                dev.appcare.avro.SendLedgerEntry entry = r.value() == null ? null : dev.appcare.model.topics.Topics.SENDER_LEDGER
                        .valueSerde(h.serde).deserializer().deserialize(r.topic(), r.value());
                if (entry == null) {
                    ledger.remove(r.key());
                } else if (LedgerEntries.claimCounts(ledger.get(r.key()), entry)) {
                    ledger.put(r.key(), entry);
                }
            });
            assertThat(all).allSatisfy(id -> assertThat(ledger.get(id).getState()).as(id).isEqualTo(LedgerState.ACCEPTED));
            assertThat(sentBefore).allSatisfy(r -> assertThat(ledger.get(r.getMessageId()).getWamid()).startsWith("wamid.old-"));

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + sender.healthPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("appcare_sender_ledger_misplaced_moved_total");
            double moved = metrics.lines().filter(l -> l.startsWith("appcare_sender_ledger_misplaced_moved_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(moved).as("moves counted (a lookup before the copy's acknowledgement may move one again)")
                    .isGreaterThanOrEqualTo(2.0 * EACH);
        }
    }

    private static Set<String> ids(List<WhatsAppRequest> requests) {
        return requests.stream().map(WhatsAppRequest::getMessageId).collect(Collectors.toSet());
    }
}
