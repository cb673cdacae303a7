package dev.appcare.model.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out one client per registry configuration, so every serde in a JVM (Kafka Streams makes many)
 * shares one cache and asks the registry about each schema once.
 */
public final class SchemaRegistryClients {
    private static final Map<RegistryClientConfig, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient forConfig(Map<String, ?> config) {
        return forConfig(RegistryClientConfig.fromMap(config));
    }

    public static SchemaRegistryClient forConfig(RegistryClientConfig config) {
        if (config.isInMemory()) {
            return InMemorySchemaRegistryClient.scope(config.baseUrl().getSchemeSpecificPart().replaceFirst("^//", ""));
        }
        return CLIENTS.computeIfAbsent(config, HttpSchemaRegistryClient::new);
    }
}
