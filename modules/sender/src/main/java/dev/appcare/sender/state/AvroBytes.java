package dev.appcare.sender.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The bytes a state store keeps for a record: Avro's single-object encoding of the generated class
 * ({@code toByteBuffer} / {@code fromByteBuffer}), no registry needed. The stores are rebuilt from the
 * topics by the running version, so one schema wrote everything a store holds.
 */
final class AvroBytes {
    interface Encoder {
        ByteBuffer encode() throws IOException;
    }

    interface Decoder<T> {
        T decode(ByteBuffer bytes) throws IOException;
    }

    private AvroBytes() {
    }

    static byte[] encode(Encoder encoder) {
        try {
            ByteBuffer buffer = encoder.encode();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T decode(byte[] bytes, Decoder<T> decoder) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
