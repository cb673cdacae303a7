package dev.appcare.notifier.streams;

import dev.appcare.avro.DeadLetter;

/**
 * An input record after decoding and validation: a value, a tombstone (both null), or the dead letter
 * that replaces it. Lives only between two processors of one task; never serialized.
 */
public record Decoded<T>(T value, DeadLetter deadLetter) {

    public static <T> Decoded<T> valid(T value) {
        return new Decoded<>(value, null);
    }

    public static <T> Decoded<T> rejected(DeadLetter deadLetter) {
        return new Decoded<>(null, deadLetter);
    }

    public boolean isRejected() {
        return deadLetter != null;
    }
}
