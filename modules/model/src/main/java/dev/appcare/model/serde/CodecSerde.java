package dev.appcare.model.serde;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde for a role's own records (state stores, changelogs, repartition topics) from an encoding and a
 * decoding, written once for every role: null stays null (a tombstone), and a failure either way is a
 * {@link SerializationException} naming what it is and the topic, which Kafka Streams' exception handlers
 * treat as the record's fault. The roles bring the encoding (the notifier Avro single-object encoding, care
 * Jackson), as a subclass or with {@code new}; Kafka's own {@code Serdes.serdeFrom} would leave the null and
 * error handling to each of them.
 */
public class CodecSerde<T> implements Serde<T> {
    /** Value to bytes. */
    @FunctionalInterface
    public interface Encoder<T> {
        byte[] encode(T value) throws IOException;
    }

    /** Bytes to value. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(byte[] bytes) throws IOException;
    }

    private final String what;
    private final Encoder<T> encoder;
    private final Decoder<T> decoder;

    /** @param what names the record in errors, e.g. "care state Conversation" */
    public CodecSerde(String what, Encoder<T> encoder, Decoder<T> decoder) {
        this.what = what;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    @Override
    public final Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return encoder.encode(value);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot write " + what + " to " + topic, e);
            }
        };
    }

    @Override
    public final Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decoder.decode(bytes);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot read " + what + " from " + topic, e);
            }
        };
    }
}
