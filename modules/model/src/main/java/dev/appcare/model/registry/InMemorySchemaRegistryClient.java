package dev.appcare.model.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory registry for unit and TopologyTestDriver tests only (selected with
 * {@code schema.registry.url=mock://<scope>}, as with Confluent's serdes). It assigns ids like a real
 * registry (the same schema gets the same id under any subject) and enforces BACKWARD compatibility
 * against all earlier versions by default. Integration tests use a real registry.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final Map<Schema, Integer> ids = new LinkedHashMap<>();
    private final Map<Integer, Schema> schemas = new LinkedHashMap<>();
    private final Map<String, List<Schema>> versions = new LinkedHashMap<>();
    private final Map<String, String> compatibility = new LinkedHashMap<>();
    private String globalCompatibility = "BACKWARD";

    /** The shared in-memory registry of a {@code mock://} scope. */
    public static InMemorySchemaRegistryClient scope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
    }

    /** Forgets a scope, so the next test starts from an empty registry. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> subjectVersions = versions.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!subjectVersions.contains(schema)) {
            CompatibilityResult result = check(subject, schema);
            if (!result.compatible()) {
                throw new IncompatibleSchemaException(subject, result.messages(), String.join("; ", result.messages()));
            }
            subjectVersions.add(schema);
        }
        return ids.computeIfAbsent(schema, s -> {
            int id = ids.size() + 1;
            schemas.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Schema> subjectVersions = versions.getOrDefault(subject, List.of());
        int index = subjectVersions.indexOf(schema);
        if (index < 0) {
            throw new SchemaNotFoundException("Schema not registered under subject '" + subject + "'", 40403, subject);
        }
        return new RegisteredSchema(subject, ids.get(schema), index + 1, schema);
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema " + id + " not found", 40403, null);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Schema> subjectVersions = versions.get(subject);
        if (subjectVersions == null || subjectVersions.isEmpty()) {
            throw new SchemaNotFoundException("Subject '" + subject + "' not found", 40401, subject);
        }
        Schema schema = subjectVersions.get(subjectVersions.size() - 1);
        return new RegisteredSchema(subject, ids.get(schema), subjectVersions.size(), schema);
    }

    @Override
    public synchronized List<String> subjects() {
        return new ArrayList<>(versions.keySet());
    }

    @Override
    public synchronized CompatibilityResult testCompatibility(String subject, Schema candidate) {
        return check(subject, candidate);
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        if (subject == null) {
            globalCompatibility = level;
        } else {
            compatibility.put(subject, level);
        }
    }

    @Override
    public synchronized String getCompatibility(String subject) {
        return subject == null ? globalCompatibility : compatibility.getOrDefault(subject, globalCompatibility);
    }

    private CompatibilityResult check(String subject, Schema candidate) {
        String level = getCompatibility(subject);
        List<String> problems = new ArrayList<>();
        if (level.startsWith("BACKWARD")) {
            List<Schema> earlier = versions.getOrDefault(subject, List.of());
            // BACKWARD checks the latest version, BACKWARD_TRANSITIVE all of them.
            List<Schema> against = level.endsWith("TRANSITIVE") || earlier.isEmpty()
                    ? earlier : List.of(earlier.get(earlier.size() - 1));
            for (Schema writer : against) {
                SchemaCompatibility.SchemaPairCompatibility pair =
                        SchemaCompatibility.checkReaderWriterCompatibility(candidate, writer);
                if (pair.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    pair.getResult().getIncompatibilities().forEach(i ->
                            problems.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
                }
            }
        }
        return new CompatibilityResult(problems.isEmpty(), problems);
    }
}
