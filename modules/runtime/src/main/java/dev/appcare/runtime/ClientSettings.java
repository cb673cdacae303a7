package dev.appcare.runtime;

import dev.appcare.model.registry.RegistryClientConfig;
import dev.appcare.model.serde.AvroSerdeConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way every role and every {@code appcare} tool reads its client settings, so one properties file
 * (or one set of {@code APPCARE_*} variables) reaches a secured cluster and registry from all of them:
 * <ul>
 *   <li>{@code kafka.*}: any Kafka client setting without the prefix, e.g. {@code kafka.bootstrap.servers},
 *       {@code kafka.security.protocol=SASL_SSL}, {@code kafka.sasl.mechanism=SCRAM-SHA-512},
 *       {@code kafka.sasl.jaas.config=...}, {@code kafka.ssl.truststore.location=...};</li>
 *   <li>{@code schema.registry.url}, {@code schema.registry.*} (e.g. {@code schema.registry.request.timeout.ms}),
 *       {@code basic.auth.user.info} ({@code user:password}), {@code bearer.auth.token},
 *       {@code auto.register.schemas}: the registry client (Confluent's key names).</li>
 * </ul>
 */
public final class ClientSettings {
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    private ClientSettings() {
    }

    /** Kafka client settings: every {@code kafka.*} key, {@code bootstrap.servers} defaulting to 127.0.0.1:9092. */
    public static Map<String, Object> kafka(AppConfig config) {
        Map<String, Object> kafka = new LinkedHashMap<>(config.withPrefix("kafka."));
        kafka.putIfAbsent("bootstrap.servers", DEFAULT_BOOTSTRAP);
        return kafka;
    }

    /** Registry client and serde settings; {@code schema.registry.url} must be set (or given as default). */
    public static Map<String, Object> registry(AppConfig config, String defaultUrl) {
        Map<String, Object> registry = new LinkedHashMap<>();
        config.asMap().forEach((key, value) -> {
            if (key.startsWith("schema.registry.") || key.equals(RegistryClientConfig.BASIC_AUTH_USER_INFO)
                    || key.equals(RegistryClientConfig.BEARER_AUTH_TOKEN) || key.equals(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS)) {
                registry.put(key, value);
            }
        });
        registry.putIfAbsent(RegistryClientConfig.URL, defaultUrl);
        return registry;
    }
}
