package dev.appcare.model.rules;

import java.util.Objects;

/**
 * Why an input record cannot be processed (rule N10): {@code errorType} is the machine-readable class
 * that becomes the dead letter's {@code errorType} (e.g. {@code UNKNOWN_AIRPORT}), {@code reason} the text
 * for people.
 */
public record Rejection(String errorType, String reason) {
    public static final String UNKNOWN_FLIGHT = "UNKNOWN_FLIGHT";
    public static final String UNKNOWN_AIRPORT = "UNKNOWN_AIRPORT";
    public static final String UNKNOWN_TIME_ZONE = "UNKNOWN_TIME_ZONE";
    public static final String MISSING_FIELD = "MISSING_FIELD";
    public static final String MISSING_VALUE = "MISSING_VALUE";
    public static final String INVALID_KEY = "INVALID_KEY";
    public static final String INVALID_FIELD = "INVALID_FIELD";
    public static final String INVALID_PREFERENCE = "INVALID_PREFERENCE";
    public static final String INVALID_BOARDING_PASS = "INVALID_BOARDING_PASS";
    /** A string past a sane length (a 1 MB gate): it would make internal records too large to write. */
    public static final String FIELD_TOO_LONG = "FIELD_TOO_LONG";
    /** A time far outside the flight's day (an estimate in the year 9999, a pass dated decades off). */
    public static final String IMPLAUSIBLE_TIME = "IMPLAUSIBLE_TIME";
    /** An unexpected failure while processing one record (a bug); see {@code DeadLetterProcessingExceptionHandler}. */
    public static final String PROCESSING_ERROR = "PROCESSING_ERROR";

    public Rejection {
        Objects.requireNonNull(errorType);
        Objects.requireNonNull(reason);
    }
}
