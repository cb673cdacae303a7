package dev.appcare.model;

/**
 * Every class of failure a role writes as a dead letter's {@code errorType}: the one vocabulary of the
 * dead-letter topics ({@code notify.notifier.dlq.v1}, {@code care.dlq.v1}, {@code notify.whatsapp-request.dlq.v1}).
 * On the wire {@code errorType} stays a string, the constant's {@link #name()}; dashboards, metrics
 * ({@code error_type} tags), ops (redrive tally, trace) and the docs know these names, so renaming one is a
 * contract change ({@code DeadLetterTypeTest} pins the list). Who writes which is said per constant; the
 * causes in detail are in docs/notifier.md, docs/care.md and docs/sender.md.
 *
 * <p>Names that look alike stay apart because they are different failures and each is already read by its
 * name: {@link #REQUEST_TOO_LARGE} (a request past WhatsApp's limits), {@link #RECORD_TOO_LARGE} (a record
 * the notifier could not write) and {@link #FIELD_TOO_LONG} (an input string past 1,024 characters);
 * {@link #UNREADABLE} (care: a value its deserializer throws on otherwise than with a {@code BadRecordException})
 * and {@link #UNREADABLE_INTERNAL_RECORD} (notifier: its own repartition topic); {@link #BAD_PHONE} (care:
 * an inbound sender) and {@link #INVALID_PREFERENCE} (notifier: a preference's phone or locale).
 */
public enum DeadLetterType {
    // ─── the bytes do not decode (BadRecordException.Reason; notifier, care, sender) ───────────────

    /** Zero-length value where a record was expected; notifier, care and sender. */
    EMPTY,
    /** First byte is not the Confluent magic byte 0; notifier, care and sender. */
    BAD_MAGIC_BYTE,
    /** Fewer bytes than the header or the Avro record needs; notifier, care and sender. */
    TRUNCATED,
    /** The registry does not know the schema id; notifier, care and sender. */
    UNKNOWN_SCHEMA_ID,
    /** The writer schema cannot be read as the expected type; notifier, care and sender. */
    INCOMPATIBLE_SCHEMA,
    /** The Avro binary does not decode (corrupt bytes, trailing garbage); notifier, care and sender. */
    MALFORMED,

    // ─── input rules (InputRules, CareInputLimits, RequestLimits) ───────────────────────────────

    /** A flight key that is malformed or names another flight than its value; notifier. */
    UNKNOWN_FLIGHT,
    /** An airport code that is not three IATA letters or not the flight key's; notifier. */
    UNKNOWN_AIRPORT,
    /** A time zone that is not an IANA region id; notifier. */
    UNKNOWN_TIME_ZONE,
    /** A required part missing (DIVERTED without diversion details); notifier. */
    MISSING_FIELD,
    /** A null value (tombstone) on a topic that has none; notifier and care. */
    MISSING_VALUE,
    /** A record key that does not match its value or the topic's key format; notifier. */
    INVALID_KEY,
    /** A field with an impossible value (a negative sequence); notifier. */
    INVALID_FIELD,
    /** A preference whose phone is not E.164 or whose locale is unusable; notifier. */
    INVALID_PREFERENCE,
    /** A boarding pass with {@code issueSequence} below 1 or a document link that is not https; notifier. */
    INVALID_BOARDING_PASS,
    /** A string past a sane length (1,024 characters; a care text past 4,096); notifier and care. */
    FIELD_TOO_LONG,
    /** A time far from the flight's day, or ahead of the clock past the allowed skew; notifier, care and sender. */
    IMPLAUSIBLE_TIME,
    /** A request past WhatsApp's sizes (a template parameter, a text body; {@code RequestLimits}); sender and care. */
    REQUEST_TOO_LARGE,

    // ─── the notifier's exception handlers ─────────────────────────────────────────────────────

    /** A processor threw on a record (a bug); notifier ({@code DeadLetterProcessingExceptionHandler}). */
    PROCESSING_ERROR,
    /** A record on one of the notifier's own repartition topics that does not decode; notifier. */
    UNREADABLE_INTERNAL_RECORD,
    /** A record the notifier could not write because it is too large; notifier ({@code DeadLetterProductionExceptionHandler}). */
    RECORD_TOO_LARGE,
    /** A record the broker refused as invalid; notifier ({@code DeadLetterProductionExceptionHandler}). */
    INVALID_RECORD,
    /** A record the notifier could not serialize; notifier ({@code DeadLetterProductionExceptionHandler}). */
    SERIALIZATION_ERROR,

    // ─── care ───────────────────────────────────────────────────────────────────────────────

    /** A value care's deserializer failed on otherwise than with a {@code BadRecordException}; care. */
    UNREADABLE,
    /** An inbound message whose sender is not an E.164 number; care. */
    BAD_PHONE,
    /** An agent reply without an E.164 phone or without a text; care. */
    BAD_REPLY,

    // ─── sender ─────────────────────────────────────────────────────────────────────────────

    /** WhatsApp refused the request for good (a terminal error code, kept as {@code errorCode}); sender. */
    WHATSAPP_TERMINAL,
    /** A request whose ledger claims were lost again and again (the ledger contradicts itself); sender. */
    LEDGER_CONFLICT
}
