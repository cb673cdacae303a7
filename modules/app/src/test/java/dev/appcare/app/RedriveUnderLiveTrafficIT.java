package dev.appcare.app;

import static dev.appcare.app.IncidentHarness.gateChange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.SentMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Replayed work never starves live traffic: a redrive of 10,000 dead letters ({@code -Dops.redrive.size}
 * to change it), paced at 500 msg/s ({@code -Dops.redrive.max-rate}), runs through a sender pacing at 1,000 msg/s
 * with its default buffer while live URGENT requests arrive one every
 * 250 ms; each URGENT one is sent within a few seconds, ahead of the replayed backlog. Prints the delays.
 *
 * <p>The dead letters are written as the sender writes them after a terminal error (DLQ record with the
 * original key and value bytes, ledger DROPPED); the outage that produces them is
 * {@link WhatsAppOutageRedriveIT}'s subject.
 */
@IntegrationTest
class RedriveUnderLiveTrafficIT {
    private static final int SIZE = Integer.getInteger("ops.redrive.size", 10_000);
    private static final int URGENT = 20;
    /** The redrive's --max-rate, msg/s: half the sender's ceiling of 1,000 msg/s here. */
    private static final int MAX_RATE = Integer.getInteger("ops.redrive.max-rate", 500);

    @Test
    void shouldSendLiveUrgentRequestsWithinSecondsWhileARedriveOfThousandsRuns(RealInfrastructure infra) throws Exception {
        try (IncidentHarness h = new IncidentHarness(infra, 3,
                b -> b.throughputPerSecond(1000).latency(Duration.ofMillis(40)).maxRecordedMessages(SIZE + 1000)
                        .deliveredProbability(0).readProbability(0),
                // The sender's default buffer (sender.max-buffered unset): the redrive is paced below the sender's
                // ceiling (docs/ops.md, "Backpressure"), so it never fills that buffer and live requests never wait
                // behind it in Kafka.
                Map.of("sender.rate.per-second", "1000"))) {
            Instant failedAt = Instant.now().minusSeconds(600);
            Instant expiresAt = Instant.now().plus(Duration.ofHours(2));
            seedDeadLetters(h, failedAt, expiresAt);
            // Every request names an opted-in traveller: the sender drops a request that names none unless
            // sender.consent.keyless-override is set (its consent rule, docs/sender.md).
            for (int i = 0; i < URGENT; i++) {
                h.optIn("LIVE/" + i, liveUrgentPhone(i));
            }
            h.startSender();

            long planStart = System.nanoTime();
            IncidentHarness.Ops plan = h.ops("ops", "redrive", "--from", failedAt.minusSeconds(1).toString());
            long planMillis = (System.nanoTime() - planStart) / 1_000_000;
            assertThat(plan.out()).contains("redrive " + SIZE).contains("to redrive: " + SIZE);

            long redriveStart = System.nanoTime();
            CompletableFuture<IncidentHarness.Ops> redrive = CompletableFuture.supplyAsync(() ->
                    h.ops("ops", "redrive", "--from", failedAt.minusSeconds(1).toString(),
                            "--max-rate", String.valueOf(MAX_RATE), "--execute"));
            h.awaitOr("the replay flowing", Duration.ofSeconds(120), () -> h.sim.acceptedCount() >= Math.min(500, SIZE / 4));

            Map<String, Instant> producedAt = new HashMap<>();
            for (int i = 0; i < URGENT; i++) {
                String id = "live-urgent-" + i;
                h.request(gateChange(id, liveUrgentPhone(i), "LIVE/" + i, Priority.URGENT, Instant.now().plusSeconds(3600)));
                producedAt.put(id, Instant.now());
                Thread.sleep(250); // live traffic arriving over five seconds, not a synchronisation
            }
            h.awaitOr("every live URGENT request sent", Duration.ofSeconds(60),
                    () -> h.acceptedCounts().keySet().containsAll(producedAt.keySet()));
            List<SentMessage> accepted = new ArrayList<>(h.sim.accepted());
            List<Long> delays = new ArrayList<>();
            int replayedAfterLastUrgent = 0;
            Instant lastUrgent = Instant.MIN;
            for (SentMessage m : accepted) {
                Instant produced = producedAt.get(m.bizOpaqueCallbackData());
                if (produced != null) {
                    delays.add(Duration.between(produced, m.acceptedAt()).toMillis());
                    lastUrgent = lastUrgent.isAfter(m.acceptedAt()) ? lastUrgent : m.acceptedAt();
                }
            }
            // Every request's outcome recorded (the sender commits a request's offset only after that).
            h.awaitOr("every redriven request decided", Duration.ofSeconds(Math.max(120, SIZE / 50)),
                    () -> h.consumedToEnd(h.senderGroup, h.topic(Topics.WHATSAPP_REQUEST)));
            long drainMillis = (System.nanoTime() - redriveStart) / 1_000_000;
            for (SentMessage m : h.sim.accepted()) {
                if (!producedAt.containsKey(m.bizOpaqueCallbackData()) && m.acceptedAt().isAfter(lastUrgent)) {
                    replayedAfterLastUrgent++;
                }
            }
            assertThat(redrive.get().out()).contains("Done: " + SIZE + " request(s) written");
            List<Long> sorted = delays.stream().sorted().toList();
            System.out.printf("%nREDRIVE UNDER LIVE TRAFFIC: %d redriven at --max-rate %d, default sender buffer, plan %d ms, "
                            + "redrive written and sent in %d ms (%.0f msg/s); "
                            + "%d live URGENT requests sent after %d ms (median) / %d ms (max) [all: %s]; "
                            + "%d replayed messages were still behind the last URGENT one%n%n",
                    SIZE, MAX_RATE, planMillis, drainMillis, SIZE * 1000.0 / drainMillis, delays.size(), sorted.get(sorted.size() / 2),
                    sorted.get(sorted.size() - 1), delays, replayedAfterLastUrgent);

            // A call that got no answer in time (a loaded machine) is in doubt: reported UNKNOWN, never resent.
            long inDoubt = h.values(Topics.WHATSAPP_STATUS).stream().filter(s -> s.getStatus() == DeliveryState.UNKNOWN)
                    .map(DeliveryStatus::getMessageId).distinct().count();
            System.out.printf("REDRIVE UNDER LIVE TRAFFIC: %d in doubt (no answer within the request timeout)%n", inDoubt);
            assertThat(h.acceptedCounts()).allSatisfy((id, n) -> assertThat(n).as("times %s was accepted", id).isEqualTo(1));
            assertThat(h.acceptedCounts().size() + inDoubt).as("accepted once, or in doubt").isEqualTo(SIZE + URGENT);
            assertThat(inDoubt).isLessThan(SIZE / 100);
            assertThat(sorted.get(sorted.size() - 1)).as("the slowest live URGENT request, ms").isLessThan(5_000);
            assertThat(replayedAfterLastUrgent).as("the live requests overtook a replayed backlog").isPositive();
        }
    }

    private static String liveUrgentPhone(int i) {
        return "+3163" + String.format("%08d", i);
    }

    /** What the sender leaves behind after a terminal error on each of SIZE requests (their travellers opted in). */
    private static void seedDeadLetters(IncidentHarness h, Instant failedAt, Instant expiresAt) throws Exception {
        Map<String, Object> serde = Map.of("schema.registry.url", h.infra.schemaRegistryUrl());
        var requestSerializer = Topics.WHATSAPP_REQUEST.valueSerde(serde).serializer();
        var dlqSerializer = Topics.WHATSAPP_REQUEST_DLQ.valueSerde(serde).serializer();
        var ledgerSerializer = Topics.SENDER_LEDGER.valueSerde(serde).serializer();
        var preferenceSerializer = Topics.TRAVELLER_PREFERENCE.valueSerde(serde).serializer();
        Map<String, Object> p = h.infra.broker().producerProperties();
        p.put("linger.ms", 20);
        p.put("max.in.flight.requests.per.connection", 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < SIZE; i++) {
                String phone = "+3164" + String.format("%08d", i);
                String traveller = "REPLAY/" + i;
                producer.send(new ProducerRecord<>(h.topic(Topics.TRAVELLER_PREFERENCE), traveller, preferenceSerializer.serialize(
                        h.topic(Topics.TRAVELLER_PREFERENCE), IncidentHarness.preference(traveller, phone, OptInStatus.OPTED_IN))));
                WhatsAppRequest request = gateChange("replay-" + i, phone, traveller, i % 2 == 0 ? Priority.NORMAL : Priority.URGENT, expiresAt);
                byte[] value = requestSerializer.serialize(h.topic(Topics.WHATSAPP_REQUEST), request);
                DeadLetter dl = DeadLetter.newBuilder().setReason("(#132015) Template is paused").setErrorType("WHATSAPP_TERMINAL")
                        .setErrorCode(132015).setStage("sender").setSourceTopic(h.topic(Topics.WHATSAPP_REQUEST))
                        .setSourcePartition(0).setSourceOffset(i).setSourceTimestamp(failedAt).setFailedAt(failedAt)
                        .setAttempts(1).setMessageId(request.getMessageId()).setExpiresAt(expiresAt)
                        .setOriginalKey(ByteBuffer.wrap(phone.getBytes(StandardCharsets.UTF_8))).setOriginalValue(ByteBuffer.wrap(value))
                        .build();
                producer.send(new ProducerRecord<>(h.topic(Topics.WHATSAPP_REQUEST_DLQ), phone,
                        dlqSerializer.serialize(h.topic(Topics.WHATSAPP_REQUEST_DLQ), dl)));
                // Where the sender writes it: the ledger is co-partitioned with the requests (the partition of
                // the request's key, the phone), not placed by the messageId's hash (docs/sender.md, state).
                int ledgerPartition = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                        phone.getBytes(StandardCharsets.UTF_8))) % producer.partitionsFor(h.topic(Topics.SENDER_LEDGER)).size();
                producer.send(new ProducerRecord<>(h.topic(Topics.SENDER_LEDGER), ledgerPartition, request.getMessageId(),
                        ledgerSerializer.serialize(h.topic(Topics.SENDER_LEDGER), dev.appcare.avro.SendLedgerEntry.newBuilder()
                                .setMessageId(request.getMessageId()).setState(LedgerState.DROPPED).setAt(failedAt)
                                .setExpiresAt(expiresAt).build())));
            }
            producer.flush();
        }
    }
}
