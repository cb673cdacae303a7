package dev.appcare.notifier.streams;

import dev.appcare.avro.DeadLetter;
import dev.appcare.model.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Builds the notifier's dead letters: reason, class of failure, and where the record came from. The bad
 * record's value bytes are kept only when its topic holds no personal data ({@link Topics#mayHoldPersonalData}):
 * a broken preference, booking or boarding pass would otherwise copy a phone number or a name onto the
 * dead-letter topic, out of reach of erasure. Its coordinates (topic, partition, offset) find it where it is,
 * for as long as it is there.
 */
public final class DeadLetters {
    public static final String STAGE = "notifier";

    private DeadLetters() {
    }

    public static DeadLetter of(String errorType, String reason, String topic, int partition, long offset,
                                long timestamp, byte[] key, byte[] value, Instant failedAt) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setErrorType(errorType)
                .setStage(STAGE)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp >= 0 ? Instant.ofEpochMilli(timestamp) : null)
                .setFailedAt(failedAt)
                .setAttempts(1)
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null || Topics.mayHoldPersonalData(topic) ? null : ByteBuffer.wrap(value))
                .build();
    }
}
