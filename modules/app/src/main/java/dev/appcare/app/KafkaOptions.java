package dev.appcare.app;

import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.ClientSettings;
import dev.appcare.runtime.RoleOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;

/**
 * The tools' connection options: the roles' own ({@link RoleOptions}: {@code --config FILE},
 * {@code --bootstrap-servers}, {@code --schema-registry-url}, file &lt; environment &lt; options), defaulting
 * to {@code scripts/stack start}'s broker and registry. The file is the roles' properties file: {@code kafka.*}
 * client settings such as {@code kafka.security.protocol}, {@code kafka.sasl.jaas.config},
 * {@code kafka.ssl.truststore.location}; {@code schema.registry.url}, {@code schema.registry.ssl.truststore.*},
 * {@code basic.auth.user.info}, {@code bearer.auth.token}; read through {@link ClientSettings}.
 */
public final class KafkaOptions {
    @Mixin
    RoleOptions options;

    private AppConfig resolved;

    /** File, then environment, then the options (read once). */
    AppConfig appConfig() {
        if (resolved == null) {
            resolved = appConfig(Map.of());
        }
        return resolved;
    }

    /** The same with a command's own options ({@code flags}: key to value, null when not given) on top. */
    AppConfig appConfig(Map<String, ?> flags) {
        return options.localAppConfig(System.getenv(), flags);
    }

    String bootstrapServers() {
        return appConfig().require(RoleOptions.BOOTSTRAP_SERVERS);
    }

    String schemaRegistryUrl() {
        return appConfig().require(RoleOptions.SCHEMA_REGISTRY_URL);
    }

    static Map<String, Object> adminConfig(AppConfig config) {
        Map<String, Object> admin = new LinkedHashMap<>(ClientSettings.kafka(config));
        admin.putIfAbsent("client.id", "appcare-cli");
        return admin;
    }

    Map<String, Object> registryConfig() {
        return ClientSettings.registry(appConfig(), RoleOptions.DEFAULT_REGISTRY);
    }
}
