package dev.appcare.model.serde;

import dev.appcare.model.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/** {@link AvroSerializer} and {@link AvroDeserializer} as one Kafka {@code Serde}, for clients and Kafka Streams. */
public class AvroSerde<T extends SpecificRecord> extends Serdes.WrapperSerde<T> {

    public AvroSerde(Class<T> type) {
        super(new AvroSerializer<>(), new AvroDeserializer<>(type));
    }

    public AvroSerde(Class<T> type, SchemaRegistryClient registry) {
        super(new AvroSerializer<>(registry, true), new AvroDeserializer<>(type, registry));
    }

    /** A value serde, configured from serde properties (at least {@code schema.registry.url}). */
    public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type, Map<String, ?> config) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(config, false);
        return serde;
    }
}
