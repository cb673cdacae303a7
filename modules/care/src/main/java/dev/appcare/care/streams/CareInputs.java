package dev.appcare.care.streams;

import dev.appcare.avro.DeadLetter;
import dev.appcare.care.CareMetrics;
import dev.appcare.model.DeadLetterType;
import dev.appcare.model.serde.AvroSerde;
import dev.appcare.model.serde.BadRecordException;
import dev.appcare.model.DeadLetters;
import dev.appcare.model.rules.Rejection;
import java.nio.charset.StandardCharsets;
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
            deadLetter(context, record, DeadLetterType.MISSING_VALUE, "a null value (tombstone) on " + topic + ", which has none");
            return Optional.empty();
        }
        try {
            return Optional.of(deserializer.deserialize(topic, record.value()));
        } catch (BadRecordException e) {
            deadLetter(context, record, e.reason().errorType(), e.getMessage());
        } catch (RuntimeException e) {
            deadLetter(context, record, DeadLetterType.UNREADABLE, e.toString());
        }
        return Optional.empty();
    }

    /** True after dead-lettering the record for {@code rejection}; false when there is none. */
    boolean refused(ProcessorContext<String, Object> context, Record<String, byte[]> record, Optional<Rejection> rejection) {
        rejection.ifPresent(r -> deadLetter(context, record, r.errorType(), r.reason()));
        return rejection.isPresent();
    }

    /**
     * The dead letter names where the record is; it copies the value only when {@link DeadLetters#of} may
     * (never from a topic with personal data, as care's phone-keyed inputs are, nor past its size cap), so
     * that the dead letter itself can always be written.
     */
    void deadLetter(ProcessorContext<String, Object> context, Record<String, byte[]> record, DeadLetterType errorType, String reason) {
        metrics.event("dead-letter-" + input);
        RecordMetadata where = context.recordMetadata().orElse(null);
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetters.of(STAGE, errorType, reason, where == null ? "?" : where.topic(),
                where == null ? -1 : where.partition(), where == null ? -1 : where.offset(), record.timestamp(),
                key, record.value(), clock.instant());
        context.forward(new Record<String, Object>(record.key(), letter, record.timestamp()), CareTopology.DEAD_LETTER_SINK);
    }
}
