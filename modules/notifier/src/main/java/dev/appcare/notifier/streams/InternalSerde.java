package dev.appcare.notifier.streams;

import dev.appcare.model.serde.CodecSerde;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;

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
public final class InternalSerde<T extends SpecificRecordBase> extends CodecSerde<T> {
    private InternalSerde(BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
        super("the notifier's internal record", value -> {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }, decoder::decode);
    }

    /** E.g. {@code InternalSerde.of(FlightView.getEncoder(), FlightView.getDecoder())}. */
    public static <T extends SpecificRecordBase> InternalSerde<T> of(BinaryMessageEncoder<T> encoder,
                                                                   BinaryMessageDecoder<T> decoder) {
        return new InternalSerde<>(encoder, decoder);
    }
}
