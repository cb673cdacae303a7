package dev.appcare.care.streams;

import dev.appcare.avro.DeadLetter;
import dev.appcare.care.CareMetrics;
import dev.appcare.model.serde.AvroSerde;
import dev.appcare.model.serde.BadRecordException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decoding of care's inputs (rule N10 for care): a record that cannot be read, or misses what care needs,
 * goes to {@code care.dlq.v1} with the reason and its original bytes, is counted, and the rest flows on.
 */
final class CareInputs<T extends SpecificRecord> {
    static final String STAGE = "care";

    private final Deserializer<T> deserializer;
    private final CareMetrics metrics;
    private final Clock clock;
    private final String input;

    CareInputs(Class<T> type, Map<String, Object> serdeConfig, CareMetrics metrics, Clock clock, String input) {
        this.deserializer = AvroSerde.forValues(type, serdeConfig).deserializer();
        this.metrics = metrics;
        this.clock = clock;
        this.input = input;
    }

    /** The decoded value, or empty after dead-lettering it (a tombstone is dead-lettered too: care's inputs have none). */
    Optional<T> decode(ProcessorContext<String, Object> context, Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        if (record.value() == null) {
            deadLetter(context, record, "MISSING_VALUE", "a null value (tombstone) on " + topic + ", which has none");
            return Optional.empty();
        }
        try {
            return Optional.of(deserializer.deserialize(topic, record.value()));
        } catch (BadRecordException e) {
            deadLetter(context, record, e.reason().name(), e.getMessage());
        } catch (RuntimeException e) {
            deadLetter(context, record, "UNREADABLE", e.toString());
        }
        return Optional.empty();
    }

    void deadLetter(ProcessorContext<String, Object> context, Record<String, byte[]> record, String errorType, String reason) {
        metrics.event("dead-letter-" + input);
        RecordMetadata where = context.recordMetadata().orElse(null);
        DeadLetter letter = DeadLetter.newBuilder()
                .setReason(reason)
                .setErrorType(errorType)
                .setStage(STAGE)
                .setSourceTopic(where == null ? "?" : where.topic())
                .setSourcePartition(where == null ? -1 : where.partition())
                .setSourceOffset(where == null ? -1 : where.offset())
                .setSourceTimestamp(record.timestamp() >= 0 ? java.time.Instant.ofEpochMilli(record.timestamp()) : null)
                .setFailedAt(clock.instant())
                .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .build();
        context.forward(new Record<String, Object>(record.key(), letter, record.timestamp()), CareTopology.DEAD_LETTER_SINK);
    }
}
