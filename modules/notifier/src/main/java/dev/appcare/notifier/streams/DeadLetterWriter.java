package dev.appcare.notifier.streams;

import dev.appcare.avro.DeadLetter;
import dev.appcare.model.serde.AvroSerializer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Configurable;

/**
 * What both of the notifier's dead-letter handlers ({@link DeadLetterProcessingExceptionHandler},
 * {@link DeadLetterProductionExceptionHandler}) are built on: the topic ({@value DeadLetterProcessingExceptionHandler#DEAD_LETTER_TOPIC_CONFIG}),
 * the registry serializer, the clock of {@code failedAt} and the dead-letter counter, configured from the same
 * Streams properties ({@link #configure}, which both handler interfaces inherit from {@link Configurable}). Kafka
 * Streams writes the records {@link #record} returns, inside the task's transaction.
 */
abstract class DeadLetterWriter implements Configurable {
    private String topic;
    private AvroSerializer<DeadLetter> serializer;
    private Clock clock = Clock.systemUTC();
    private NotifierMetrics metrics = NotifierMetrics.detached();

    @Override
    public void configure(Map<String, ?> configs) {
        this.topic = Objects.requireNonNull((String) configs.get(DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG),
                DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG + " is not set");
        this.serializer = new AvroSerializer<>();
        serializer.configure(configs, false);
        if (configs.get(DeadLetterProcessingExceptionHandler.METRICS_CONFIG) instanceof NotifierMetrics configured) {
            this.metrics = configured;
        }
    }

    final void clock(Clock clock) {
        this.clock = clock;
    }

    /** The dead letter's {@code failedAt}. */
    final Instant now() {
        return clock.instant();
    }

    /**
     * The letter as the record to write, counted for {@code sourceTopic}; throws (a RuntimeException) if it
     * cannot be encoded, and then nothing is counted.
     */
    final ProducerRecord<byte[], byte[]> record(DeadLetter letter, String sourceTopic, Long timestamp, byte[] key) {
        byte[] value = serializer.serialize(topic, letter);
        metrics.deadLetter(sourceTopic, letter.getErrorType().toString());
        return new ProducerRecord<>(topic, null, timestamp, key, value);
    }
}
