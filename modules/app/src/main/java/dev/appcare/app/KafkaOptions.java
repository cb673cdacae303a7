package dev.appcare.app;

import dev.appcare.model.registry.RegistryClientConfig;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.ClientSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Connection options shared by the commands; defaults match {@code scripts/stack start}. {@code --config}
 * takes the same properties file as the roles ({@code kafka.*} client settings such as
 * {@code kafka.security.protocol}, {@code kafka.sasl.jaas.config}, {@code kafka.ssl.truststore.location};
 * {@code schema.registry.url}, {@code schema.registry.ssl.truststore.*}, {@code basic.auth.user.info},
 * {@code bearer.auth.token}), read through {@link ClientSettings}, with
 * {@code APPCARE_*} environment variables over the file and the two options below over both.
 */
public final class KafkaOptions {
    @Option(names = "--config", description = "Properties file with the roles' client settings (kafka.*, schema.registry.url, schema.registry.ssl.truststore.*, basic.auth.user.info, bearer.auth.token).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: kafka.bootstrap.servers of the config, else 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-API schema registry base URL (default: schema.registry.url of the config, else http://127.0.0.1:8081/apis/ccompat/v7).")
    String schemaRegistryUrl;

    static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7";

    /** File, then environment, then the options. */
    AppConfig appConfig(Map<String, String> env) {
        Map<String, String> overrides = new HashMap<>();
        if (bootstrapServers != null) {
            overrides.put("kafka.bootstrap.servers", bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            overrides.put(RegistryClientConfig.URL, schemaRegistryUrl);
        }
        AppConfig loaded = AppConfig.load(config, env, overrides);
        // The two plain options keep working for code that reads the fields (the demo).
        bootstrapServers = loaded.get("kafka.bootstrap.servers", ClientSettings.DEFAULT_BOOTSTRAP);
        schemaRegistryUrl = loaded.get(RegistryClientConfig.URL, DEFAULT_REGISTRY);
        return loaded;
    }

    AppConfig appConfig() {
        return appConfig(System.getenv());
    }

    Map<String, Object> adminConfig() {
        Map<String, Object> admin = new LinkedHashMap<>(ClientSettings.kafka(appConfig()));
        admin.putIfAbsent("client.id", "appcare-cli");
        return admin;
    }

    Map<String, Object> registryConfig() {
        return ClientSettings.registry(appConfig(), DEFAULT_REGISTRY);
    }
}
