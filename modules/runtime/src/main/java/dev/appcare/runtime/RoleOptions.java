package dev.appcare.runtime;

import dev.appcare.model.registry.RegistryClientConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every role command and every tool command shares ({@code @Mixin RoleOptions options}):
 * the settings file and the two connection options; and the one way they become an {@link AppConfig}:
 * the file, then {@code APPCARE_*} environment variables, then the command's options (each option sets
 * one configuration key, so an option and the key it names are one setting, documented once per role).
 */
public final class RoleOptions {
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = RegistryClientConfig.URL;
    /** The local stack's registry ({@code scripts/stack start}); the local broker is {@link ClientSettings#DEFAULT_BOOTSTRAP}. */
    public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7";

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with the settings (kafka.* client settings, schema.registry.*, and the role's own keys; see docs/).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (key " + BOOTSTRAP_SERVERS + ").")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-API schema registry base URL (key " + SCHEMA_REGISTRY_URL + ").")
    String schemaRegistryUrl;

    /** The {@code --config} file, or null. */
    public Path configFile() {
        return config;
    }

    /**
     * File, then {@code env}'s {@code APPCARE_*} variables, then these options and the command's own
     * {@code flags} (configuration key to option value; a null value is an option not given).
     */
    public AppConfig appConfig(Map<String, String> env, Map<String, ?> flags) {
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, BOOTSTRAP_SERVERS, bootstrapServers);
        put(overrides, SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        flags.forEach((key, value) -> put(overrides, key, value));
        return AppConfig.load(config, env, overrides);
    }

    /**
     * The same, with the local stack's broker and registry where neither file, environment nor option
     * named one (the notifier, care and the tools; the sender insists on being told).
     */
    public AppConfig localAppConfig(Map<String, String> env, Map<String, ?> flags) {
        AppConfig loaded = appConfig(env, flags);
        Map<String, String> values = new LinkedHashMap<>(loaded.asMap());
        values.putIfAbsent(BOOTSTRAP_SERVERS, ClientSettings.DEFAULT_BOOTSTRAP);
        values.putIfAbsent(SCHEMA_REGISTRY_URL, DEFAULT_REGISTRY);
        return values.size() == loaded.asMap().size() ? loaded : AppConfig.of(values);
    }

    private static void put(Map<String, String> overrides, String key, Object value) {
        if (value != null) {
            overrides.put(key, value.toString());
        }
    }
}
