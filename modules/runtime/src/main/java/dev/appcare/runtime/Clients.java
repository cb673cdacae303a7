package dev.appcare.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a role's Kafka and registry clients connect and with which settings, read once from its
 * {@link AppConfig} through {@link ClientSettings} (every {@code kafka.*} key; every registry and serde key,
 * {@code auto.register.schemas} included), so that each role's settings record holds this instead of
 * its own copy of the three.
 *
 * @param bootstrapServers {@code kafka.bootstrap.servers}
 * @param kafka            every {@code kafka.*} setting without the prefix, {@code bootstrap.servers} included
 * @param serde            the registry client's and the serdes' settings, {@code schema.registry.url} included
 */
public record Clients(String bootstrapServers, Map<String, Object> kafka, Map<String, Object> serde) {

    public Clients {
        kafka = Map.copyOf(kafka);
        serde = Map.copyOf(serde);
    }

    /**
     * From a role's settings; a null default makes the key required (the sender is told where to connect,
     * the other roles default to the local stack).
     */
    public static Clients from(AppConfig config, String defaultBootstrap, String defaultRegistry) {
        String bootstrap = defaultBootstrap == null ? config.require(RoleOptions.BOOTSTRAP_SERVERS)
                : config.get(RoleOptions.BOOTSTRAP_SERVERS, defaultBootstrap);
        String registry = defaultRegistry == null ? config.require(RoleOptions.SCHEMA_REGISTRY_URL)
                : config.get(RoleOptions.SCHEMA_REGISTRY_URL, defaultRegistry);
        Map<String, Object> kafka = new LinkedHashMap<>(ClientSettings.kafka(config));
        kafka.put("bootstrap.servers", bootstrap);
        return new Clients(bootstrap, kafka, ClientSettings.registry(config, registry));
    }

    /** The same, with the role's own Kafka client defaults where {@code kafka.*} sets none. */
    public Clients withKafkaDefaults(Map<String, ?> defaults) {
        Map<String, Object> merged = new LinkedHashMap<>(kafka);
        defaults.forEach(merged::putIfAbsent);
        return new Clients(bootstrapServers, merged, serde);
    }
}
