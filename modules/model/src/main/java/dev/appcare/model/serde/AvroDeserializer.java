package dev.appcare.model.serde;

import dev.appcare.model.registry.SchemaNotFoundException;
import dev.appcare.model.registry.SchemaRegistryClient;
import dev.appcare.model.registry.SchemaRegistryClients;
import java.io.EOFException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format bytes into a specific Avro record of type {@code T}. The writer schema
 * comes from the registry by the id in the header (cached); Avro's schema resolution maps it onto
 * {@code T}'s schema, so records written with an older, compatible schema read fine.
 *
 * <p>Bytes that can never become a {@code T} raise {@link BadRecordException} with a reason; a registry
 * that cannot be reached raises {@link dev.appcare.model.registry.SchemaRegistryException} (retriable).
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData data;
    private SchemaRegistryClient registry;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    public AvroDeserializer(Class<T> type) {
        this.type = type;
        this.data = SpecificData.getForClass(type);
        this.readerSchema = data.getSchema(type);
    }

    /** Ready to use without {@link #configure}. */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this(type);
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            this.registry = SchemaRegistryClients.forConfig(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null; // a tombstone
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure(): no schema registry set");
        }
        int id = WireFormat.schemaId(topic, bytes);
        SpecificDatumReader<T> reader = readerFor(topic, id);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                bytes.length - WireFormat.HEADER_SIZE, null);
        T value;
        try {
            value = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new BadRecordException(BadRecordException.Reason.TRUNCATED, topic, id,
                    "the Avro body ends before the record does (" + bytes.length + " bytes)", e);
        } catch (Exception e) {
            // Corrupt Avro shows up as many exception types (AvroRuntimeException, index and size errors).
            throw new BadRecordException(BadRecordException.Reason.MALFORMED, topic, id,
                    "cannot decode the Avro body as " + type.getSimpleName() + ": " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new BadRecordException(BadRecordException.Reason.MALFORMED, topic, id,
                        "bytes left over after the " + type.getSimpleName() + " record", null);
            }
        } catch (java.io.IOException e) {
            throw new BadRecordException(BadRecordException.Reason.MALFORMED, topic, id, e.toString(), e);
        }
        return value;
    }

    private SpecificDatumReader<T> readerFor(String topic, int id) {
        SpecificDatumReader<T> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writer;
        try {
            writer = registry.getById(id);
        } catch (SchemaNotFoundException e) {
            throw new BadRecordException(BadRecordException.Reason.UNKNOWN_SCHEMA_ID, topic, id,
                    "the schema registry does not know schema id " + id, e);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new BadRecordException(BadRecordException.Reason.INCOMPATIBLE_SCHEMA, topic, id,
                    "writer schema " + writer.getFullName() + " cannot be read as " + readerSchema.getFullName() + ": "
                            + compatibility.getDescription(), null);
        }
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, readerSchema, data);
        readers.putIfAbsent(id, reader);
        return reader;
    }

    public Class<T> type() {
        return type;
    }
}
