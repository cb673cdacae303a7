package dev.appcare.model;

import dev.appcare.avro.DeadLetter;
import dev.appcare.model.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Builds every role's dead letters (the role names itself as the stage): reason, class of failure, and where the record came from. The bad
 * record's value bytes are kept only when its topic holds no personal data ({@link Topics#mayHoldPersonalData}):
 * a broken preference, booking or boarding pass would otherwise copy a phone number or a name onto the
 * dead-letter topic, out of reach of erasure. Its coordinates (topic, partition, offset) find it where it is,
 * for as long as it is there.
 *
 * <p>Nor are value bytes past {@link #MAX_KEPT_VALUE_BYTES} kept: a dead letter must always be writable. Under
 * exactly_once_v2 a record the producer refuses (past {@code max.request.size}) poisons the whole open
 * transaction — the production exception handler's CONTINUE cannot save it, the task aborts, is replaced, reads
 * the same record and fails again — so a 1 MB flight event whose dead letter copied its 1 MB value stopped the
 * notifier for good (and a 1 MB care message would have stopped care). Such a record is not redrivable as it is anyway; its coordinates still find it.
 */
public final class DeadLetters {
    /** The largest bad value a dead letter copies: far below any producer or topic limit. */
    public static final int MAX_KEPT_VALUE_BYTES = 64 * 1024;

    private DeadLetters() {
    }

    public static DeadLetter of(String stage, DeadLetterType errorType, String reason, String topic, int partition, long offset,
                                long timestamp, byte[] key, byte[] value, Instant failedAt) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setErrorType(errorType.name())
                .setStage(stage)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp >= 0 ? Instant.ofEpochMilli(timestamp) : null)
                .setFailedAt(failedAt)
                .setAttempts(1)
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null || Topics.mayHoldPersonalData(topic) || value.length > MAX_KEPT_VALUE_BYTES
                        ? null : ByteBuffer.wrap(value))
                .build();
    }
}
