package dev.appcare.notifier.streams;

import dev.appcare.model.DeadLetters;
import dev.appcare.model.registry.SchemaRegistryException;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.BadRecordException;
import dev.appcare.model.rules.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an input record's raw bytes into its Avro value and validates it (rule N10). Sources consume
 * bytes and decode here, rather than in a {@code DeserializationExceptionHandler}, so that a bad record
 * becomes an ordinary {@link Decoded#rejected dead letter} that flows through the topology to the DLQ
 * sink, inside the same exactly-once transaction as everything else, with the record's exact key and
 * value bytes and its topic/partition/offset.
 *
 * <p>Two kinds of failure are kept apart:
 * <ul>
 *   <li>bad input (not wire format, unknown schema id, truncated or corrupt Avro, a schema that cannot be
 *       read as the expected type, a semantic {@link Rejection}): dead-lettered, counted, and the stream
 *       goes on;</li>
 *   <li>a schema registry that cannot be reached: not the record's fault. Retried briefly in place, then
 *       thrown, so that Kafka Streams replaces the stream thread and the record is processed again from
 *       the last commit once the registry is back (nothing is dead-lettered, nothing is lost).</li>
 * </ul>
 *
 * <p>It also counts records that arrived on a partition other than the one Java's default partitioner
 * gives their key ({@code toPositive(murmur2(key)) % partitions}): a producer with another partitioner
 * (librdkafka's default {@code consistent_random} hashes with CRC32) is not an error, since the notifier
 * repartitions every input before it joins anything, but operators should see it
 * ({@link NotifierMetrics#misplaced}).
 */
public final class DecodeProcessor<T extends SpecificRecord> implements Processor<byte[], byte[], String, Decoded<T>> {
    private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);
    /** Waits between attempts while the registry is unreachable; short enough to stay well inside a transaction. */
    private static final Duration[] REGISTRY_BACKOFF = {Duration.ofMillis(250), Duration.ofMillis(750), Duration.ofMillis(2000)};

    private final Class<T> type;
    private final Map<String, ?> serdeConfig;
    private final BiFunction<String, T, Optional<Rejection>> validator;
    private final NotifierMetrics metrics;
    private final Clock clock;
    private final int partitions;
    private AvroDeserializer<T> deserializer;
    private ProcessorContext<String, Decoded<T>> context;

    DecodeProcessor(Class<T> type, Map<String, ?> serdeConfig, BiFunction<String, T, Optional<Rejection>> validator,
                    NotifierMetrics metrics, Clock clock, int partitions) {
        this.type = type;
        this.partitions = partitions;
        this.serdeConfig = serdeConfig;
        this.validator = validator;
        this.metrics = metrics;
        this.clock = clock;
    }

    public static <T extends SpecificRecord> ProcessorSupplier<byte[], byte[], String, Decoded<T>> supplier(
            Class<T> type, Map<String, ?> serdeConfig, BiFunction<String, T, Optional<Rejection>> validator,
            NotifierMetrics metrics, Clock clock, int partitions) {
        return () -> new DecodeProcessor<>(type, serdeConfig, validator, metrics, clock, partitions);
    }

    @Override
    public void init(ProcessorContext<String, Decoded<T>> context) {
        this.context = context;
        this.deserializer = new AvroDeserializer<>(type);
        deserializer.configure(serdeConfig, false);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        countIfMisplaced(topic, record.key());
        T value;
        try {
            value = deserialize(topic, record.value());
        } catch (BadRecordException e) {
            reject(record, key, topic, new Rejection(e.reason().errorType(), e.getMessage()));
            return;
        }
        Optional<Rejection> rejection = validator.apply(key, value);
        if (rejection.isPresent()) {
            reject(record, key, topic, rejection.get());
            return;
        }
        context.forward(record.withKey(key).withValue(Decoded.valid(value)));
    }

    private void countIfMisplaced(String topic, byte[] key) {
        if (key == null || partitions < 1) {
            return;
        }
        int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        if (partition >= 0 && partition != javaPartition(key, partitions)) {
            metrics.misplaced(topic);
        }
    }

    /** The partition Java's producer (and Kafka Streams) picks for a key: murmur2, as {@code BuiltInPartitioner}. */
    static int javaPartition(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private T deserialize(String topic, byte[] bytes) {
        for (int attempt = 0; ; attempt++) {
            try {
                return deserializer.deserialize(topic, bytes);
            } catch (BadRecordException e) {
                throw e;
            } catch (SchemaRegistryException e) {
                if (attempt >= REGISTRY_BACKOFF.length) {
                    throw new IllegalStateException("schema registry unavailable while reading " + topic
                            + "; the stream thread is replaced and the record read again: " + e.getMessage(), e);
                }
                log.warn("Schema registry unavailable while reading {} (attempt {}): {}", topic, attempt + 1, e.getMessage());
                sleep(REGISTRY_BACKOFF[attempt]);
            }
        }
    }

    private void reject(Record<byte[], byte[]> record, String key, String topic, Rejection rejection) {
        RecordMetadata metadata = context.recordMetadata().orElse(null);
        metrics.deadLetter(topic, rejection.errorType().name());
        log.warn("Dead-lettering {}-{}@{}: {} {}", topic, metadata == null ? -1 : metadata.partition(),
                metadata == null ? -1 : metadata.offset(), rejection.errorType(), rejection.reason());
        context.forward(record.withKey(key).withValue(Decoded.rejected(DeadLetters.of(DeadLetterProcessingExceptionHandler.STAGE,
                rejection.errorType(), rejection.reason(), topic,
                metadata == null ? -1 : metadata.partition(), metadata == null ? -1 : metadata.offset(),
                record.timestamp(), record.key(), record.value(), clock.instant()))));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema registry", e);
        }
    }
}
