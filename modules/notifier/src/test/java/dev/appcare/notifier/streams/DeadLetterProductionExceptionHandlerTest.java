package dev.appcare.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeadLetter;
import dev.appcare.model.registry.InMemorySchemaRegistryClient;
import dev.appcare.model.serde.AvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterProductionExceptionHandlerTest {
    private static final String REGISTRY = "mock://production-handler-test";
    private final NotifierMetrics metrics = NotifierMetrics.detached();
    private final DeadLetterProductionExceptionHandler handler = new DeadLetterProductionExceptionHandler();

    DeadLetterProductionExceptionHandlerTest() {
        handler.configure(Map.of(DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, "notify.notifier.dlq.v1",
                DeadLetterProcessingExceptionHandler.METRICS_CONFIG, metrics, "schema.registry.url", REGISTRY));
        handler.clock(Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistryClient.dropScope("production-handler-test");
    }

    @Test
    void shouldDeadLetterARecordTooLargeToWriteWithoutItsBytesAndResume() {
        ProducerRecord<byte[], byte[]> refused = new ProducerRecord<>("appcare-notifier-flight-views-changelog",
                new byte[10], new byte[1_048_000]);

        ProductionExceptionHandler.Response response = handler.handleError(DeadLetterProcessingExceptionHandlerTest.context(),
                refused, new RecordTooLargeException("The message is 1048110 bytes when serialized"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("notify.notifier.dlq.v1");
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("KL1234/2026-11-23/AMS");
            assertThat(record.value().length).isLessThan(2_000);
            DeadLetter letter = read(record);
            assertThat(letter.getErrorType()).isEqualTo("RECORD_TOO_LARGE");
            assertThat(letter.getReason()).isEqualTo("could not write a record to appcare-notifier-flight-views-changelog"
                    + " (1048010 bytes): org.apache.kafka.common.errors.RecordTooLargeException: The message is 1048110 bytes"
                    + " when serialized");
            assertThat(letter.getSourceTopic()).isEqualTo("flight.status.v1");
            assertThat(letter.getSourcePartition()).isEqualTo(3);
            assertThat(letter.getSourceOffset()).isEqualTo(42);
            assertThat(letter.getOriginalValue()).isNull();
            assertThat(letter.getFailedAt()).isEqualTo(Instant.parse("2026-11-23T12:00:00Z"));
        });
        assertThat(metrics.count("appcare.notifier.dead.letters", "error_type", "RECORD_TOO_LARGE")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterInvalidAndUnserializableRecords() {
        ProducerRecord<byte[], byte[]> refused = new ProducerRecord<>("notify.whatsapp-request.v1", null, new byte[3]);
        assertThat(read(handler.handleError(DeadLetterProcessingExceptionHandlerTest.context(), refused,
                new InvalidRecordException("bad")).deadLetterQueueRecords().getFirst()).getErrorType()).isEqualTo("INVALID_RECORD");
        ProductionExceptionHandler.Response unserializable = handler.handleSerializationError(
                DeadLetterProcessingExceptionHandlerTest.context(), new ProducerRecord<>("notify.whatsapp-request.v1", "k", "v"),
                new SerializationException("no schema"), ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
        assertThat(unserializable.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(read(unserializable.deadLetterQueueRecords().getFirst()).getErrorType()).isEqualTo("SERIALIZATION_ERROR");
    }

    @Test
    void shouldFailWhenItIsNotTheRecordsFault() {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("notify.whatsapp-request.v1", null, new byte[3]);
        for (Exception notTheRecord : new Exception[] {new AuthorizationException("denied"), new TimeoutException("slow"),
                new ProducerFencedException("fenced")}) {
            assertThat(handler.handleError(DeadLetterProcessingExceptionHandlerTest.context(), record, notTheRecord).result())
                    .as(notTheRecord.toString()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        }
    }

    private static DeadLetter read(ProducerRecord<byte[], byte[]> record) {
        AvroDeserializer<DeadLetter> deserializer = new AvroDeserializer<>(DeadLetter.class);
        deserializer.configure(Map.of("schema.registry.url", REGISTRY), false);
        return deserializer.deserialize(record.topic(), record.value());
    }
}
