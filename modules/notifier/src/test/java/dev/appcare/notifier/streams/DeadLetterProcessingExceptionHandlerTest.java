package dev.appcare.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeadLetter;
import dev.appcare.model.registry.InMemorySchemaRegistryClient;
import dev.appcare.model.registry.SchemaRegistryException;
import dev.appcare.model.serde.AvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterProcessingExceptionHandlerTest {
    private static final String REGISTRY = "mock://handler-test";
    private final NotifierMetrics metrics = NotifierMetrics.detached();
    private final DeadLetterProcessingExceptionHandler handler = new DeadLetterProcessingExceptionHandler();

    DeadLetterProcessingExceptionHandlerTest() {
        handler.configure(Map.of(DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, "notify.notifier.dlq.v1",
                DeadLetterProcessingExceptionHandler.METRICS_CONFIG, metrics, "schema.registry.url", REGISTRY));
        handler.clock(Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistryClient.dropScope("handler-test");
    }

    @Test
    void shouldDeadLetterTheRecordABugFailedOnAndResume() {
        ProcessingExceptionHandler.Response response = handler.handleError(context(), new Record<>("k", "v", 0L),
                new NullPointerException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("notify.notifier.dlq.v1");
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("KL1234/2026-11-23/AMS");
            DeadLetter letter = read(record);
            assertThat(letter.getErrorType()).isEqualTo("PROCESSING_ERROR");
            assertThat(letter.getReason()).contains("flight-fan-out").contains("boom");
            assertThat(letter.getSourceTopic()).isEqualTo("flight.status.v1");
            assertThat(letter.getSourcePartition()).isEqualTo(3);
            assertThat(letter.getSourceOffset()).isEqualTo(42);
            assertThat(letter.getFailedAt()).isEqualTo(Instant.parse("2026-11-23T12:00:00Z"));
        });
        assertThat(metrics.count("appcare.notifier.dead.letters", "error_type", "PROCESSING_ERROR")).isEqualTo(1);
    }

    @Test
    void shouldFailWhenItIsNotTheRecordsFault() {
        for (Exception notTheRecord : new Exception[] {
                new IllegalStateException("registry down", new SchemaRegistryException("unreachable", 0, 0, null)),
                new ProcessorStateException("rocksdb")}) {
            assertThat(handler.handleError(context(), new Record<>("k", "v", 0L), notTheRecord).result())
                    .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        }
    }

    private static DeadLetter read(ProducerRecord<byte[], byte[]> record) {
        AvroDeserializer<DeadLetter> deserializer = new AvroDeserializer<>(DeadLetter.class);
        deserializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        return deserializer.deserialize(record.topic(), record.value());
    }

    static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() {
                return "flight.status.v1";
            }

            public int partition() {
                return 3;
            }

            public long offset() {
                return 42;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return "flight-fan-out";
            }

            public TaskId taskId() {
                return new TaskId(1, 3);
            }

            public long timestamp() {
                return 1_000L;
            }

            public byte[] sourceRawKey() {
                return "KL1234/2026-11-23/AMS".getBytes(StandardCharsets.UTF_8);
            }

            public byte[] sourceRawValue() {
                return new byte[] {0, 0, 0, 0, 1, 2};
            }
        };
    }
}
