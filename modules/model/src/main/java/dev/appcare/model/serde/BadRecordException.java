package dev.appcare.model.serde;

import dev.appcare.model.DeadLetterType;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record cannot be turned into a value, and never will: trying again does not help, so
 * the caller should send the record to a dead-letter topic and go on. (A registry that is down is a
 * different, retriable failure: {@link dev.appcare.model.registry.SchemaRegistryException}.)
 */
public class BadRecordException extends SerializationException {

    /** What is wrong with the bytes; {@link #errorType()} is the dead letter's {@code errorType}. */
    public enum Reason {
        /** Zero-length value where a record was expected. */
        EMPTY(DeadLetterType.EMPTY),
        /** First byte is not the Confluent magic byte 0: not Confluent wire format. */
        BAD_MAGIC_BYTE(DeadLetterType.BAD_MAGIC_BYTE),
        /** Fewer bytes than the header or the Avro record needs. */
        TRUNCATED(DeadLetterType.TRUNCATED),
        /** The registry does not know the 4-byte schema id. */
        UNKNOWN_SCHEMA_ID(DeadLetterType.UNKNOWN_SCHEMA_ID),
        /** The writer schema cannot be read as the expected type (missing fields without default, other record). */
        INCOMPATIBLE_SCHEMA(DeadLetterType.INCOMPATIBLE_SCHEMA),
        /** The Avro binary does not decode (corrupt bytes, trailing garbage). */
        MALFORMED(DeadLetterType.MALFORMED);

        private final DeadLetterType errorType;

        Reason(DeadLetterType errorType) {
            this.errorType = errorType;
        }

        /** The dead letter's {@code errorType} for bytes with this fault. */
        public DeadLetterType errorType() {
            return errorType;
        }
    }

    private final Reason reason;
    private final String topic;
    private final int schemaId;

    public BadRecordException(Reason reason, String topic, int schemaId, String message, Throwable cause) {
        super(reason + " on topic " + topic + (schemaId >= 0 ? " (schema id " + schemaId + ")" : "") + ": " + message, cause);
        this.reason = reason;
        this.topic = topic;
        this.schemaId = schemaId;
    }

    public Reason reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }

    /** The schema id read from the header, or -1 if the header was unreadable. */
    public int schemaId() {
        return schemaId;
    }
}
