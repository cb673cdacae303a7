package dev.appcare.model.serde;

import dev.appcare.model.registry.SchemaRegistryClient;
import dev.appcare.model.registry.SchemaRegistryClients;
import dev.appcare.model.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a specific Avro record in Confluent's wire format. The schema is registered (or looked up,
 * with {@code auto.register.schemas=false}) under the TopicNameStrategy subject {@code <topic>-value}
 * ({@code <topic>-key} for keys) the first time a topic is written; the id is cached afterwards.
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegister = true;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

    public AvroSerializer() {
    }

    /** Ready to use without {@link #configure}. */
    public AvroSerializer(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            this.registry = SchemaRegistryClients.forConfig(configs);
        }
        Object auto = configs.get(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
        if (auto != null) {
            this.autoRegister = Boolean.parseBoolean(auto.toString());
        }
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure(): no schema registry set");
        }
        Schema schema = value.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        int id;
        try {
            id = idsBySubject.computeIfAbsent(subject + '\u0000' + schema.getFullName(), k ->
                    autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema).id());
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot get a schema id for subject '" + subject + "': " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + schema.getFullName() + " for topic " + topic + ": "
                    + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
