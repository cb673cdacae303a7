package dev.appcare.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic (every partition) from a point in time, or from the beginning, up to its end as it was
 * when the read started. No consumer group: reading changes nothing on the cluster.
 */
final class TopicScan {
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

    private TopicScan() {
    }

    static List<ConsumerRecord<byte[], byte[]>> read(OpsContext ctx, String topic, Instant from) {
        try (KafkaConsumer<byte[], byte[]> consumer = ctx.consumer()) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            if (from == null) {
                consumer.seekToBeginning(partitions);
            } else {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, from.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
                for (TopicPartition tp : partitions) {
                    OffsetAndTimestamp o = found.get(tp);
                    consumer.seek(tp, o == null ? end.get(tp) : o.offset());
                }
            }
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + READ_TIMEOUT);
                }
            }
            return out;
        }
    }

    /** The latest value per key of a compacted topic (a tombstone removes the key), as bytes. */
    static Map<String, byte[]> latest(OpsContext ctx, String topic) {
        Map<String, byte[]> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(ctx, topic, null)) {
            if (r.key() == null) {
                continue;
            }
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (r.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, r.value());
            }
        }
        return latest;
    }
}
