package dev.appcare.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The limit for a Kafka Streams app: read a topic, write every record unchanged to another, exactly_once_v2
 * with the notifier's commit interval (100 ms, Kafka Streams' default under exactly-once, which the notifier
 * keeps), one stream thread like the notifier. Timed from the first committed input offset to the last
 * (input offsets commit in the same transaction as the output), so start-up and the first rebalance are
 * not counted.
 */
public final class PassThrough {
    private PassThrough() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, 0);
        String input = args.get("input");
        String applicationId = args.get("application-id");
        Results results = new Results(args.path("results"));
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, args.get("state-dir"));
        properties.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(args.get("output"), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        try (Kafka kafka = new Kafka(args.get("bootstrap"), "unused");
             KafkaStreams streams = new KafkaStreams(builder.build(), properties)) {
            long total = kafka.endOffsets(List.of(input)).values().stream().mapToLong(Long::longValue).sum();
            streams.start();
            long firstAt = 0;
            long firstDone = 0;
            long done = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (done < total && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100); // a polling interval
                Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets(
                        Map.of(applicationId, new ListConsumerGroupOffsetsSpec())).partitionsToOffsetAndMetadata(applicationId)
                        .get(30, TimeUnit.SECONDS);
                done = committed.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
                if (firstAt == 0 && done > 0) {
                    firstAt = System.nanoTime();
                    firstDone = done;
                }
            }
            double seconds = (System.nanoTime() - firstAt) / 1e9;
            results.put("limit.streams.records", done - firstDone);
            results.put("limit.streams.seconds", seconds);
            results.put("limit.streams.per_second", (done - firstDone) / seconds);
            streams.close(Duration.ofSeconds(30));
        }
    }
}
