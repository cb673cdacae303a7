package dev.appcare.model.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.model.registry.CompatibilityResult;
import dev.appcare.model.registry.HttpSchemaRegistryClient;
import dev.appcare.model.registry.IncompatibleSchemaException;
import dev.appcare.model.registry.RegistryClientConfig;
import dev.appcare.model.registry.SchemaNotFoundException;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.BadRecordException;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The registry client against a real Confluent-API registry (Apicurio) set to BACKWARD. */
@IntegrationTest
class RegistryCompatibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldRefuseABackwardIncompatibleChangeNamingSubjectAndReason(RealInfrastructure infra) throws Exception {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(infra.registry().url()));
        String subject = "flight.status.v1-incompatible-" + System.nanoTime() + "-value";
        Schema v1 = FlightStatusEvent.getClassSchema();
        int id = client.register(subject, v1);
        assertThat(client.getById(id).getFullName()).isEqualTo(v1.getFullName());

        Schema incompatible = withExtraField(v1, "delayCode", "\"string\"", null);
        CompatibilityResult check = client.testCompatibility(subject, incompatible);
        assertThat(check.compatible()).isFalse();

        assertThatThrownBy(() -> client.register(subject, incompatible))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.subject()).isEqualTo(subject);
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.getMessage()).contains(subject).contains("incompatible");
                    assertThat(e.reasons()).isNotEmpty();
                });
    }

    @Test
    void shouldAcceptABackwardCompatibleChangeAsANewVersion(RealInfrastructure infra) throws Exception {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(infra.registry().url()));
        String subject = "flight.status.v1-compatible-" + System.nanoTime() + "-value";
        Schema v1 = FlightStatusEvent.getClassSchema();
        int firstId = client.register(subject, v1);
        Schema v2 = withExtraField(v1, "delayCode", "[\"null\",\"string\"]", "null");

        assertThat(client.testCompatibility(subject, v2).compatible()).isTrue();
        int secondId = client.register(subject, v2);

        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(client.latest(subject).version()).isEqualTo(2);
        assertThat(client.lookup(subject, v1).id()).isEqualTo(firstId);
        assertThat(client.getCompatibility(null)).isEqualTo("BACKWARD");
    }

    @Test
    void shouldReportAnUnknownSchemaIdAsABadRecordWithoutHanging(RealInfrastructure infra) {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(infra.registry().url()));
        assertThatThrownBy(() -> client.getById(987_654)).isInstanceOf(SchemaNotFoundException.class);

        AvroDeserializer<FlightStatusEvent> deserializer = new AvroDeserializer<>(FlightStatusEvent.class);
        deserializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        byte[] unknownId = {0, 0, 0x0f, 0x12, 0x06, 2, 4, 6};
        assertThatThrownBy(() -> deserializer.deserialize("flight.status.v1", unknownId))
                .isInstanceOfSatisfying(BadRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(BadRecordException.Reason.UNKNOWN_SCHEMA_ID);
                    assertThat(e.schemaId()).isEqualTo(987_654);
                });
    }

    private static Schema withExtraField(Schema schema, String name, String typeJson, String defaultJson) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(schema.toString());
        ObjectNode field = (ObjectNode) JSON.readTree("{\"name\":\"" + name + "\",\"type\":" + typeJson
                + (defaultJson == null ? "" : ",\"default\":" + defaultJson) + "}");
        ((ArrayNode) root.get("fields")).add(field);
        return new Schema.Parser().parse(root.toString());
    }
}
