package dev.appcare.model.serde;

import dev.appcare.model.registry.RegistryClientConfig;

/** Config keys of the AppCare Avro serdes (Confluent's names, so existing property files work). */
public final class AvroSerdeConfig {
    /** Base URL of the registry; see {@link RegistryClientConfig}. */
    public static final String SCHEMA_REGISTRY_URL = RegistryClientConfig.URL;
    /**
     * Whether the serializer registers its schema (default true). Production writers can set false so
     * that only the deploy pipeline registers schemas; the serializer then looks the schema up.
     */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

    private AvroSerdeConfig() {
    }
}
