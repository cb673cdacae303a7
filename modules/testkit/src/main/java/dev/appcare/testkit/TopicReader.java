package dev.appcare.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning to its end offsets as they are when the read starts: "what is on the
 * topic now", the one copy the tests share. Kafka has no "read to end" call (a consumer only polls), so this
 * is the small loop every test wrote for itself. Values stay bytes, or whatever the given deserializer makes
 * of them: the test kit knows no contract.
 */
public final class TopicReader {
    private static final Duration POLL = Duration.ofMillis(200);

    private TopicReader() {
    }

    /** Every record of {@code topic}, string keys and raw values, with {@code consumerConfig}'s isolation level. */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(Map<String, Object> consumerConfig, String topic, Duration timeout) {
        return readToEnd(consumerConfig, topic, new StringDeserializer(), new ByteArrayDeserializer(), timeout);
    }

    /**
     * Every record of every partition of {@code topic} up to the end offsets seen at the start, read without
     * a consumer group (any {@code group.id} in {@code consumerConfig} is ignored, nothing is committed).
     * Throws an {@link AssertionError} naming the offsets if the end is not reached within {@code timeout}.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(Map<String, Object> consumerConfig, String topic,
                                                             Deserializer<K> keys, Deserializer<V> values, Duration timeout) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end + " within " + timeout);
                }
                consumer.poll(POLL).forEach(records::add);
            }
            return records;
        }
    }
}
