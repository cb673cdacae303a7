package dev.appcare.sender.webhook;

import static dev.appcare.sender.state.EventDedup.Outcome.APPLIED;
import static dev.appcare.sender.state.EventDedup.Outcome.DUPLICATE;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.it.SenderHarness;
import dev.appcare.sender.state.EventDedup;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.StateStores;
import dev.appcare.sender.state.WebhookEvents;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cluster-wide webhook dedup ({@link WebhookEvents}, {@code sender.webhook-event.v1}) costs per
 * event, on the real broker: each event's effect is what a status webhook writes (one
 * {@code notify.whatsapp-status.v1} record through the production {@link RecordWriter}, acks=all), applied
 * one after the other through the shared dedup and, as the baseline in the same run, through the
 * per-instance in-memory dedup the sender used before ({@link SeenEvents}). Then the same events again
 * through the shared dedup: duplicates, answered from its view. Prints per-event latency (mean, p50, p99)
 * and the dedup records written per event; asserts only that every event was applied once. Not part of the
 * normal build (the name matches neither *Test nor *IT):
 *
 * <pre>
 * mvn -B -ntp -pl modules/sender -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=WebhookDedupBenchmark | grep DEDUP
 * </pre>
 * Figures are recorded in {@code docs/sender.md} ("Once per event").
 */
@IntegrationTest
@Tag("benchmark")
class WebhookDedupBenchmark {
    private static final int EVENTS = Integer.getInteger("benchmark.events", 1_000);
    private static final int WARM_UP = 200;

    @Test
    void measureWhatTheSharedDedupCostsPerEvent(RealInfrastructure infra, @TempDir Path dir) throws Exception {
        try (SenderHarness h = new SenderHarness(infra, 2)) {
            Map<String, Object> producer = new HashMap<>(infra.broker().producerProperties());
            producer.put("acks", "all"); // as the sender's producer (SenderClients)
            producer.put("enable.idempotence", true);
            producer.put("linger.ms", 2);
            Map<String, Object> consumer = new HashMap<>(Map.of("bootstrap.servers", infra.bootstrapServers(),
                    "enable.auto.commit", false, "auto.offset.reset", "earliest", "isolation.level", "read_committed"));
            try (StateStores stores = new StateStores(Files.createDirectories(dir.resolve("state")), "benchmark", 16L << 20);
                 RecordWriter writer = new RecordWriter(new KafkaProducer<>(producer, new StringSerializer(),
                         new ByteArraySerializer()), h.topics, h.serde);
                 WebhookEvents shared = new WebhookEvents(h.topics.name(Topics.WEBHOOK_EVENTS), new KafkaConsumer<>(consumer,
                         new StringDeserializer(), new ByteArrayDeserializer()),
                         Topics.WEBHOOK_EVENTS.valueSerde(h.serde).deserializer(), writer, stores, "benchmark-instance",
                         System::currentTimeMillis, Duration.ofMinutes(5))) {
                shared.start();
                shared.catchUp().get(1, TimeUnit.MINUTES);
                SeenEvents local = new SeenEvents(4 * (EVENTS + WARM_UP));
                run(local, writer, "warm-local-", WARM_UP, APPLIED);
                run(shared, writer, "warm-shared-", WARM_UP, APPLIED);

                long dedupRecordsBefore = endOffsets(infra, h.topics.name(Topics.WEBHOOK_EVENTS));
                long[] baseline = run(local, writer, "local-", EVENTS, APPLIED);
                long[] withShared = run(shared, writer, "shared-", EVENTS, APPLIED);
                long dedupRecords = endOffsets(infra, h.topics.name(Topics.WEBHOOK_EVENTS)) - dedupRecordsBefore;
                long[] duplicates = run(shared, writer, "shared-", EVENTS, DUPLICATE);

                print("baseline (per-instance, in memory)", baseline);
                print("shared (sender.webhook-event.v1)", withShared);
                print("shared, the same events again (duplicates)", duplicates);
                System.out.printf("DEDUP added per new event: mean %.2f ms, p50 %.2f ms; %.2f dedup records per event"
                                + " (%d events, sequential)%n", (mean(withShared) - mean(baseline)) / 1e6,
                        (percentile(withShared, 50) - percentile(baseline, 50)) / 1e6,
                        (double) dedupRecords / EVENTS, EVENTS);
            }
        }
    }

    /** Delivers {@code n} events one after the other; returns each one's latency (ns). */
    private static long[] run(EventDedup dedup, RecordWriter writer, String prefix, int n, EventDedup.Outcome expected)
            throws Exception {
        long[] latencies = new long[n];
        int asExpected = 0;
        for (int i = 0; i < n; i++) {
            String messageId = prefix + i;
            DeliveryStatus status = DeliveryStatus.newBuilder().setMessageId(messageId).setStatus(DeliveryState.DELIVERED)
                    .setAt(Instant.now()).setWamid("wamid." + messageId).build();
            long started = System.nanoTime();
            EventDedup.Outcome outcome = dedup.once(messageId + "|DELIVERED|wamid." + messageId,
                    () -> writer.status(status)).get(30, TimeUnit.SECONDS);
            latencies[i] = System.nanoTime() - started;
            asExpected += outcome == expected ? 1 : 0;
        }
        if (asExpected != n) {
            throw new AssertionError(prefix + ": " + asExpected + " of " + n + " " + expected);
        }
        return latencies;
    }

    private static long endOffsets(RealInfrastructure infra, String topic) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", infra.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static void print(String what, long[] latencies) {
        System.out.printf("DEDUP %-45s mean %6.2f ms  p50 %6.2f ms  p99 %6.2f ms  (%d events)%n", what,
                mean(latencies) / 1e6, percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6, latencies.length);
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
