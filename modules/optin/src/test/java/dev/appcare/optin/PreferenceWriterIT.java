package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.appcare.testkit.TopicReader;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The writer's transactions on a real broker: a preference and its confirmation land together or not
 * at all, concurrent writes are grouped, and a failed transaction does not stop later ones.
 */
@IntegrationTest
class PreferenceWriterIT {

    @Test
    void shouldCommitBothRecordsOrNeither(RealInfrastructure infra) throws Exception {
        String preferences = TestNames.unique("writer.preferences");
        String requests = TestNames.unique("writer.requests");
        infra.broker().createTopic(preferences, 1);
        infra.broker().createTopic(requests, 1);
        try (PreferenceWriter writer = new PreferenceWriter(Map.of("bootstrap.servers", infra.bootstrapServers()),
                TestNames.unique("writer"), Duration.ofSeconds(10), new SimpleMeterRegistry())) {
            writer.start();

            // The confirmation cannot be written (too large for the producer): the preference must not appear either.
            byte[] tooLarge = new byte[2 * 1024 * 1024];
            Throwable failed = catchThrowable(() -> writer.write(List.of(
                    new ProducerRecord<>(preferences, "ABC123/1", bytes("preference-1")),
                    new ProducerRecord<>(requests, "+31612345678", tooLarge))).get(30, TimeUnit.SECONDS));
            assertThat(failed).isInstanceOf(ExecutionException.class);
            assertThat(failed.getCause()).isInstanceOfAny(RecordTooLargeException.class, org.apache.kafka.common.KafkaException.class);

            // The next write goes through, both records together.
            RecordMetadata written = writer.write(List.of(
                    new ProducerRecord<>(preferences, "ABC123/1", bytes("preference-2")),
                    new ProducerRecord<>(requests, "+31612345678", bytes("confirmation-2")))).get(30, TimeUnit.SECONDS);
            assertThat(written.topic()).isEqualTo(preferences);

            assertThat(values(infra, preferences, "read_committed")).containsExactly("preference-2");
            assertThat(values(infra, requests, "read_committed")).containsExactly("confirmation-2");
            assertThat(writer.problem()).isEmpty();
        }
    }

    @Test
    void shouldGroupConcurrentWritesIntoFewTransactions(RealInfrastructure infra) throws Exception {
        String topic = TestNames.unique("writer.group");
        infra.broker().createTopic(topic, 3);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (PreferenceWriter writer = new PreferenceWriter(Map.of("bootstrap.servers", infra.bootstrapServers()),
                TestNames.unique("writer"), Duration.ofSeconds(10), metrics)) {
            writer.start();
            List<CompletableFuture<RecordMetadata>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                writes.add(writer.write(List.of(new ProducerRecord<>(topic, "T" + i, bytes("v" + i)))));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(values(infra, topic, "read_committed")).hasSize(200);
            double transactions = metrics.get("appcare.optin.transactions").tag("result", "committed").counter().count();
            assertThat(transactions).isLessThan(200).isGreaterThanOrEqualTo(2);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> values(RealInfrastructure infra, String topic, String isolation) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readToEnd(props, topic, Duration.ofSeconds(30))) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return values;
    }
}
