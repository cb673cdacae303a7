package dev.appcare.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Schema v1 = SchemaBuilder.record("Gate").fields().requiredString("flight").endRecord();
    private final Schema v2Compatible = SchemaBuilder.record("Gate").fields().requiredString("flight")
            .name("gate").type().stringType().stringDefault("TBA").endRecord();
    private final Schema v2Incompatible = SchemaBuilder.record("Gate").fields().requiredString("flight")
            .name("gate").type().stringType().stringDefault("TBA").requiredString("terminal").endRecord();

    @Test
    void shouldGiveTheSameIdForTheSameSchemaUnderAnySubject() {
        int a = registry.register("a-value", v1);
        int b = registry.register("b-value", v1);
        assertThat(a).isEqualTo(b);
        assertThat(registry.getById(a)).isEqualTo(v1);
    }

    @Test
    void shouldAcceptABackwardCompatibleChangeAndRefuseAnIncompatibleOne() {
        registry.register("gate-value", v1);
        registry.register("gate-value", v2Compatible);
        assertThat(registry.latest("gate-value").version()).isEqualTo(2);

        assertThatThrownBy(() -> registry.register("gate-value", v2Incompatible))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.subject()).isEqualTo("gate-value");
                    assertThat(e.getMessage()).contains("terminal");
                });
    }
}
