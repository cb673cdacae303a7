package dev.appcare.model.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that AppCare uses. Implemented over HTTP by
 * {@link HttpSchemaRegistryClient} (works with Confluent Schema Registry, Apicurio's ccompat API,
 * Karapace, Redpanda) and in memory by {@link InMemorySchemaRegistryClient} for unit tests.
 */
public interface SchemaRegistryClient {

    /** Registers the schema under the subject (or finds it if already there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id and version of this exact schema under the subject; {@link SchemaNotFoundException} if absent. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The schema with this global id; {@link SchemaNotFoundException} if the registry does not know it. */
    Schema getById(int id);

    /** The latest version registered under the subject. */
    RegisteredSchema latest(String subject);

    /** All subjects. */
    List<String> subjects();

    /** Checks the candidate against the subject's latest version under the subject's compatibility rule. */
    CompatibilityResult testCompatibility(String subject, Schema candidate);

    /** Sets the compatibility level (e.g. BACKWARD) of one subject, or the global default when subject is null. */
    void setCompatibility(String subject, String level);

    /** The compatibility level of one subject, or the global default when subject is null. */
    String getCompatibility(String subject);
}
