package dev.appcare.model.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.model.Samples;
import dev.appcare.model.registry.InMemorySchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private static final String TOPIC = "flight.status.v1";
    private static final String SCOPE = "avro-serde-test";
    private final Map<String, String> config = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void forgetRegistry() {
        InMemorySchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void shouldRoundTripARecordInConfluentWireFormat() {
        AvroSerde<FlightStatusEvent> serde = AvroSerde.forValues(FlightStatusEvent.class, config);
        FlightStatusEvent event = Samples.kl1234Delayed();

        byte[] bytes = serde.serializer().serialize(TOPIC, event);

        assertThat(bytes[0]).isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(InMemorySchemaRegistryClient.scope(SCOPE).latest(TOPIC + "-value").id()).isEqualTo(id);
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
    }

    @Test
    void shouldPassTombstonesThroughAsNull() {
        AvroSerde<FlightStatusEvent> serde = AvroSerde.forValues(FlightStatusEvent.class, config);
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldRejectAWrongMagicByte() {
        byte[] bytes = validBytes();
        bytes[0] = 1;
        assertBad(bytes, BadRecordException.Reason.BAD_MAGIC_BYTE);
        assertBad("{\"json\":true}".getBytes(), BadRecordException.Reason.BAD_MAGIC_BYTE);
    }

    @Test
    void shouldRejectAnEmptyValue() {
        assertBad(new byte[0], BadRecordException.Reason.EMPTY);
    }

    @Test
    void shouldRejectATruncatedHeader() {
        assertBad(new byte[] {0, 0, 1}, BadRecordException.Reason.TRUNCATED);
    }

    @Test
    void shouldRejectATruncatedBody() {
        byte[] bytes = validBytes();
        assertBad(Arrays.copyOf(bytes, bytes.length - 10), BadRecordException.Reason.TRUNCATED);
    }

    @Test
    void shouldRejectTrailingGarbage() {
        byte[] bytes = validBytes();
        assertBad(Arrays.copyOf(bytes, bytes.length + 3), BadRecordException.Reason.MALFORMED);
    }

    @Test
    void shouldRejectAnUnknownSchemaId() {
        byte[] bytes = validBytes();
        ByteBuffer.wrap(bytes).putInt(1, 4242);
        BadRecordException e = assertBad(bytes, BadRecordException.Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).isEqualTo(4242);
        assertThat(e.getMessage()).contains("4242").contains(TOPIC);
    }

    @Test
    void shouldRejectRecordsOfAnotherType() {
        AvroSerde<PassengerSegment> segments = AvroSerde.forValues(PassengerSegment.class, config);
        byte[] flightBytes = validBytes();
        assertThatThrownBy(() -> segments.deserializer().deserialize(TOPIC, flightBytes))
                .isInstanceOfSatisfying(BadRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.INCOMPATIBLE_SCHEMA));
    }

    @Test
    void shouldRejectCorruptAvro() {
        byte[] bytes = validBytes();
        for (int i = WireFormat.HEADER_SIZE; i < bytes.length; i++) {
            bytes[i] = (byte) 0xff; // huge varints, invalid union and enum indexes
        }
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, bytes)).isInstanceOf(BadRecordException.class);
    }

    @Test
    void shouldReadDataWrittenWithAnOlderCompatibleSchema() throws Exception {
        // An older writer of the same record that did not have the optional 'source' field yet.
        Schema current = FlightStatusEvent.getClassSchema();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(current.toString());
        var fields = (com.fasterxml.jackson.databind.node.ArrayNode) json.get("fields");
        fields.remove(fields.size() - 1); // 'source', the last field, added later with a default
        Schema older = new Schema.Parser().parse(json.toString());
        assertThat(older.getField("source")).isNull();
        InMemorySchemaRegistryClient registry = InMemorySchemaRegistryClient.scope(SCOPE);
        int olderId = registry.register(TOPIC + "-value", older);

        GenericRecord record = new GenericData.Record(older);
        FlightStatusEvent sample = Samples.kl1234Delayed();
        GenericRecord full = toGeneric(sample);
        for (Schema.Field f : older.getFields()) {
            record.put(f.name(), full.get(f.name()));
        }
        var out = new java.io.ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(olderId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(record, encoder);
        encoder.flush();

        FlightStatusEvent read = deserializer().deserialize(TOPIC, out.toByteArray());

        assertThat(read.getSource()).isEqualTo("unknown");
        assertThat(read.getFlightKey()).isEqualTo(sample.getFlightKey());
    }

    private static GenericRecord toGeneric(FlightStatusEvent event) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<FlightStatusEvent>(FlightStatusEvent.class).write(event, encoder);
        encoder.flush();
        var reader = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(FlightStatusEvent.getClassSchema());
        return reader.read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    private byte[] validBytes() {
        return AvroSerde.forValues(FlightStatusEvent.class, config).serializer().serialize(TOPIC, Samples.kl1234Delayed());
    }

    private AvroDeserializer<FlightStatusEvent> deserializer() {
        AvroDeserializer<FlightStatusEvent> deserializer = new AvroDeserializer<>(FlightStatusEvent.class);
        deserializer.configure(config, false);
        return deserializer;
    }

    private BadRecordException assertBad(byte[] bytes, BadRecordException.Reason reason) {
        try {
            deserializer().deserialize(TOPIC, bytes);
        } catch (BadRecordException e) {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.topic()).isEqualTo(TOPIC);
            return e;
        }
        throw new AssertionError("expected " + reason + " for " + Arrays.toString(bytes));
    }
}
