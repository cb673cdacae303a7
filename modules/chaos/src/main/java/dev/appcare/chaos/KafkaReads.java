package dev.appcare.chaos;

import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the contract's topics whole (committed records only) and the notifier's progress. Kafka's clients
 * have no "read to the end" call (a consumer only polls; the admin client reads offsets, not records), and
 * main code does not use the test kit's {@code TopicReader}, so the short loop in {@link #read} is written here.
 */
final class KafkaReads {
    private final Chaos.Settings s;
    private final Map<String, Object> serde;

    KafkaReads(Chaos.Settings settings) {
        this.s = settings;
        this.serde = Map.of("schema.registry.url", settings.registryUrl());
    }

    List<RoundCount.Request> requests() {
        return read(Topics.WHATSAPP_REQUEST, r -> {
            WhatsAppRequest v = r.value();
            var c = v.getCorrelation();
            return new RoundCount.Request(v.getMessageId(), v.getKind().name(), c == null ? null : c.getTravellerKey(),
                    c == null ? null : c.getFlightKey(), r.partition());
        });
    }

    List<RoundCount.Status> statuses() {
        return read(Topics.WHATSAPP_STATUS, r -> new RoundCount.Status(r.value().getMessageId(), r.value().getStatus().name()));
    }

    List<RoundCount.LedgerEntry> ledger() {
        return read(Topics.SENDER_LEDGER, r -> {
            SendLedgerEntry e = r.value();
            return new RoundCount.LedgerEntry(e.getMessageId(), e.getState().name(), e.getClaim(), e.getSupersedesClaim());
        });
    }

    private <V extends org.apache.avro.specific.SpecificRecord, T> List<T> read(TopicSpec<V> topic, Function<ConsumerRecord<String, V>, T> map) {
        Deserializer<V> values = topic.valueSerde(serde).deserializer();
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", s.bootstrap(),
                "isolation.level", "read_committed", "enable.auto.commit", "false"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.currentTimeMillis() + 120_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end in 120 s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue; // a tombstone
                    }
                    V value = values.deserialize(r.topic(), r.value());
                    out.add(map.apply(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value)));
                }
            }
        }
        return out;
    }

    /** Waits until the notifier has processed every booking and preference written so far. */
    void awaitNotifierCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        int inARow = 0;
        while (inARow < 2) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the notifier did not catch up on bookings and preferences in " + timeout);
            }
            inARow = notifierCaughtUp() ? inARow + 1 : 0;
            Thread.sleep(500); // polling the group's committed offsets
        }
    }

    private boolean notifierCaughtUp() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", s.bootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(s.notifierGroup())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            List<String> sources = List.of(Topics.PASSENGER_SEGMENT.name(), Topics.TRAVELLER_PREFERENCE.name());
            List<String> topics = new ArrayList<>(sources);
            committed.keySet().stream().map(TopicPartition::topic).distinct()
                    .filter(t -> t.endsWith("-repartition") && (t.contains("segments") || t.contains("preferences")))
                    .forEach(topics::add);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d ->
                    d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            var ends = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            for (var entry : ends.entrySet()) {
                long end = entry.getValue().offset();
                OffsetAndMetadata offset = committed.get(entry.getKey());
                long done = offset == null ? 0 : offset.offset();
                // The opt-in API and Kafka Streams write transactionally: a commit marker may follow the last record.
                long slack = entry.getKey().topic().equals(Topics.PASSENGER_SEGMENT.name()) ? 0 : 1;
                if (end > 0 && done < end - slack) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false; // the broker is restarting, the group is rebalancing: not yet
        }
    }
}
