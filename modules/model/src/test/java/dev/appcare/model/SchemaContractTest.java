package dev.appcare.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** The contract in schemas/: documented, released, and every change BACKWARD compatible. */
class SchemaContractTest {

    @Test
    void shouldKeepEveryCurrentSchemaBackwardCompatibleWithEveryReleasedVersion() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Schema> entry : SchemaFiles.current().entrySet()) {
            for (Map.Entry<Integer, Schema> released : SchemaFiles.released(entry.getKey()).entrySet()) {
                // BACKWARD: consumers with the new schema must read data written with the old one.
                var result = SchemaCompatibility.checkReaderWriterCompatibility(entry.getValue(), released.getValue());
                if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    result.getResult().getIncompatibilities().forEach(i -> problems.add(entry.getKey() + " vs released v"
                            + released.getKey() + ": " + i.getType() + " at " + i.getLocation() + " " + i.getMessage()));
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldHaveAReleasedVersionOfEverySchema() {
        assertThat(SchemaFiles.current().keySet())
                .allSatisfy(name -> assertThat(SchemaFiles.released(name)).as("released versions of %s", name).isNotEmpty());
    }

    @Test
    void shouldDocumentEveryRecordAndField() {
        List<String> undocumented = new ArrayList<>();
        SchemaFiles.current().values().forEach(schema -> collectUndocumented(schema, undocumented, new ArrayList<>()));
        assertThat(undocumented).isEmpty();
    }

    @Test
    void shouldGenerateJavaFromTheFilesUnchanged() {
        // The generated classes carry Java-only properties (avro.java.string); compare canonical forms.
        List<String> files = SchemaFiles.current().values().stream().map(SchemaNormalization::toParsingForm).toList();
        for (TopicSpec<?> topic : Topics.ALL) {
            Schema generated = SpecificData.get().getSchema(topic.valueType());
            assertThat(files).as("schema file for %s", topic.valueType().getSimpleName())
                    .contains(SchemaNormalization.toParsingForm(generated));
        }
    }

    @Test
    void shouldCatchABackwardIncompatibleChange() {
        Schema released = SchemaFiles.current().get("flight-status-event");
        String json = released.toString().replace("{\"name\":\"source\"",
                "{\"name\":\"requiredNewField\",\"type\":\"string\",\"doc\":\"x\"},{\"name\":\"source\"");
        Schema changed = new Schema.Parser().parse(json);

        var result = SchemaCompatibility.checkReaderWriterCompatibility(changed, released);

        assertThat(result.getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getDescription()).contains("requiredNewField");
    }

    private static void collectUndocumented(Schema schema, List<String> out, List<Schema> seen) {
        if (seen.contains(schema)) {
            return;
        }
        seen.add(schema);
        switch (schema.getType()) {
            case RECORD -> {
                if (isBlank(schema.getDoc())) {
                    out.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        out.add(schema.getFullName() + "." + field.name());
                    }
                    collectUndocumented(field.schema(), out, seen);
                }
            }
            case ENUM -> {
                if (isBlank(schema.getDoc())) {
                    out.add(schema.getFullName());
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, out, seen));
            case ARRAY -> collectUndocumented(schema.getElementType(), out, seen);
            case MAP -> collectUndocumented(schema.getValueType(), out, seen);
            default -> { }
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
