package dev.appcare.model.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: one magic byte 0, the schema's registry id as a 4-byte big-endian int, then
 * the Avro binary encoding of the value. Any Confluent-compatible consumer can read what we write.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Reads the schema id from the header, checking the magic byte and the length. */
    public static int schemaId(String topic, byte[] bytes) {
        if (bytes.length == 0) {
            throw new BadRecordException(BadRecordException.Reason.EMPTY, topic, -1, "zero-length value", null);
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new BadRecordException(BadRecordException.Reason.BAD_MAGIC_BYTE, topic, -1,
                    String.format("first byte is 0x%02x, expected 0x00 (Confluent wire format)", bytes[0]), null);
        }
        if (bytes.length < HEADER_SIZE) {
            throw new BadRecordException(BadRecordException.Reason.TRUNCATED, topic, -1,
                    bytes.length + " bytes, the header alone needs " + HEADER_SIZE, null);
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
