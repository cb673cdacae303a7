package dev.appcare.bench;

import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The few Kafka operations the drivers share: topics, an Avro producer, offsets and record counts.
 *
 * @param bootstrap the broker
 * @param registry  the schema registry's URL
 * @param admin     the admin client on {@code bootstrap}, closed by {@link #close()}
 */
record Kafka(String bootstrap, String registry, Admin admin) implements AutoCloseable {

    Kafka(String bootstrap, String registry) {
        this(bootstrap, registry, Admin.create(Map.of("bootstrap.servers", bootstrap)));
    }

    /** Every contract topic with {@code suffix} appended, {@code partitions} each, configured as the contract says. */
    void createContractTopics(String suffix, int partitions) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (TopicSpec<?> spec : Topics.ALL) {
            topics.add(spec.withName(Topics.withSuffix(suffix).name(spec)).newTopic(partitions, (short) 1, ErasureBound.DEFAULT));
        }
        admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }

    void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }

    /** Acks=all, idempotent, as the airline systems are told to produce (docs/producers.md). */
    KafkaProducer<String, SpecificRecord> avroProducer() {
        AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(Map.of("schema.registry.url", registry), false);
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", "true",
                "linger.ms", 5, "batch.size", 65536), new StringSerializer(), values);
    }

    KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "isolation.level", isolation,
                "enable.auto.commit", false, "max.poll.records", 5000, "fetch.max.wait.ms", 10),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    List<TopicPartition> partitions(String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    Set<String> topics() throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }

    /** Log end offsets of every partition of {@code topics} (transaction markers included). */
    Map<TopicPartition, Long> endOffsets(Iterable<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (String topic : topics) {
            partitions(topic).forEach(tp -> request.put(tp, OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * True when group {@code group} has committed, on every partition of {@code topics}, up to the end (or to one
     * before it: a transactional writer's last commit marker takes an offset no consumer ever commits past).
     */
    boolean caughtUp(String group, Iterable<String> topics) throws Exception {
        Map<TopicPartition, Long> ends = endOffsets(topics);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                Map.of(group, new ListConsumerGroupOffsetsSpec())).partitionsToOffsetAndMetadata(group).get(30, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            long position = at == null ? 0 : at.offset();
            if (end.getValue() - position > 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        admin.close();
    }
}
