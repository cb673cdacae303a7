package dev.appcare.model.rules;

import dev.appcare.model.DeadLetterType;
import java.util.Objects;

/**
 * Why an input record cannot be processed (rule N10): {@code errorType} is the machine-readable class
 * that becomes the dead letter's {@code errorType} (e.g. {@link DeadLetterType#UNKNOWN_AIRPORT}), {@code reason}
 * the text for people.
 */
public record Rejection(DeadLetterType errorType, String reason) {
    public Rejection {
        Objects.requireNonNull(errorType);
        Objects.requireNonNull(reason);
    }
}
