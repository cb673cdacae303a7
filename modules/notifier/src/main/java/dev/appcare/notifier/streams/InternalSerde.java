package dev.appcare.notifier.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for the notifier's own records in repartition topics and state stores: Avro
 * <a href="https://avro.apache.org/docs/1.12.0/specification/#single-object-encoding">single-object
 * encoding</a> (2-byte marker, 8-byte schema fingerprint, Avro binary). These records never leave the
 * notifier, so they do not go through the schema registry: no subjects for internals, no registry call on
 * the hot path, and a registry outage cannot make the notifier's own state unreadable.
 *
 * <p>Evolving an internal schema: add fields with defaults only, and teach the decoder the previous
 * schema ({@code decoder.addSchema(old)}) so records written before the upgrade still read.
 */
public final class InternalSerde<T extends SpecificRecordBase> implements Serde<T> {
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private InternalSerde(BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** E.g. {@code InternalSerde.of(FlightView.getEncoder(), FlightView.getDecoder())}. */
    public static <T extends SpecificRecordBase> InternalSerde<T> of(BinaryMessageEncoder<T> encoder,
                                                                   BinaryMessageDecoder<T> decoder) {
        return new InternalSerde<>(encoder, decoder);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteBuffer buffer = encoder.encode(value);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decoder.decode(bytes);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot read the notifier's internal record from " + topic, e);
            }
        };
    }
}
