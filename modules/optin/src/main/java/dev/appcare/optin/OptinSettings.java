package dev.appcare.optin;

import dev.appcare.model.registry.RegistryClientConfig;
import dev.appcare.model.runtime.AppConfig;
import dev.appcare.model.runtime.ClientSettings;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.model.topics.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The opt-in API's configuration, read from an {@link AppConfig} (properties file, then {@code APPCARE_*}
 * environment variables, then command-line options). Every key and its default is listed in
 * docs/optin-api.md.
 */
record OptinSettings(
        String host,
        int port,
        int maxBodyBytes,
        String bootstrapServers,
        Map<String, Object> kafkaClientConfig,
        Map<String, Object> serdeConfig,
        String transactionalId,
        String preferenceTopic,
        String requestTopic,
        String auditTopic,
        String managementHost,
        int managementPort,
        Duration writeTimeout,
        Duration readTimeout,
        Duration startupTimeout,
        Duration confirmationTimeToLive,
        Path templatesFile,
        ApiKeys apiKeys) {

    static final String HOST = "optin.http.host";
    static final String PORT = "optin.http.port";
    static final String MAX_BODY_BYTES = "optin.http.max.body.bytes";
    static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    static final String SCHEMA_REGISTRY_URL = RegistryClientConfig.URL;
    static final String TRANSACTIONAL_ID = "optin.transactional.id";
    static final String PREFERENCE_TOPIC = "optin.topic.preference";
    static final String REQUEST_TOPIC = "optin.topic.request";
    static final String AUDIT_TOPIC = "optin.topic.erasure-audit";
    static final String MANAGEMENT_HOST = "optin.management.host";
    static final String MANAGEMENT_PORT = "optin.management.port";
    static final String WRITE_TIMEOUT = "optin.write.timeout";
    static final String READ_TIMEOUT = "optin.read.timeout";
    static final String STARTUP_TIMEOUT = "optin.startup.timeout";
    static final String CONFIRMATION_TTL = "optin.confirmation.ttl";
    static final String TEMPLATES_FILE = "templates.file";

    static final int DEFAULT_PORT = 8083;
    /** /health and /metrics: a port of their own, so the API port serves only the API (least privilege). */
    static final int DEFAULT_MANAGEMENT_PORT = 8084;
    static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

    static OptinSettings from(AppConfig config) {
        Map<String, Object> kafka = new LinkedHashMap<>(config.withPrefix("kafka."));
        String bootstrap = config.get(BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        kafka.put("bootstrap.servers", bootstrap);

        // Every registry key the other roles take (schema.registry.* with the trust store, basic/bearer auth).
        Map<String, Object> serde = new LinkedHashMap<>(ClientSettings.registry(config, "http://127.0.0.1:8081/apis/ccompat/v7"));

        int port = port(config, PORT, DEFAULT_PORT);
        // An API on any free port (tests, several instances on one host) gets its management port the same way.
        int managementPort = port(config, MANAGEMENT_PORT, port == 0 ? 0 : DEFAULT_MANAGEMENT_PORT);
        if (port != 0 && port == managementPort) {
            throw new IllegalArgumentException("configuration '" + MANAGEMENT_PORT + "' must differ from '" + PORT
                    + "': health and metrics are served apart from the API");
        }
        int maxBody = config.getInt(MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES);
        if (maxBody < 1024) {
            throw new IllegalArgumentException("configuration '" + MAX_BODY_BYTES + "' must be at least 1024");
        }
        String templates = config.get(TEMPLATES_FILE, null);
        return new OptinSettings(
                config.get(HOST, "127.0.0.1"),
                port,
                maxBody,
                bootstrap,
                kafka,
                serde,
                config.get(TRANSACTIONAL_ID, defaultTransactionalId()),
                config.get(PREFERENCE_TOPIC, Topics.TRAVELLER_PREFERENCE.name()),
                config.get(REQUEST_TOPIC, Topics.WHATSAPP_REQUEST.name()),
                config.get(AUDIT_TOPIC, Topics.ERASURE_AUDIT.name()),
                config.get(MANAGEMENT_HOST, "127.0.0.1"),
                managementPort,
                positive(config, WRITE_TIMEOUT, Duration.ofSeconds(10)),
                positive(config, READ_TIMEOUT, Duration.ofSeconds(5)),
                positive(config, STARTUP_TIMEOUT, Duration.ofMinutes(2)),
                positive(config, CONFIRMATION_TTL, Duration.ofHours(24)),
                templates == null || templates.isBlank() ? null : Path.of(templates),
                ApiKeys.fromConfig(config));
    }

    TemplateCatalogue templateCatalogue() {
        return templatesFile == null ? TemplateCatalogue.loadDefault() : TemplateCatalogue.load(templatesFile);
    }

    private static int port(AppConfig config, String key, int defaultValue) {
        int port = config.getInt(key, defaultValue);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("configuration '" + key + "' must be 0..65535");
        }
        return port;
    }

    private static Duration positive(AppConfig config, String key, Duration defaultValue) {
        Duration value = config.getDuration(key, defaultValue);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("configuration '" + key + "' must be positive");
        }
        return value;
    }

    /**
     * Stable across restarts of one instance (so a restart fences its zombie) and distinct between
     * instances on different hosts. Two instances on one host need {@value #TRANSACTIONAL_ID} set.
     */
    private static String defaultTransactionalId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return "appcare-optin-" + host.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        // Never print the keys.
        return "OptinSettings[http=" + host + ":" + port + ", management=" + managementHost + ":" + managementPort + ", kafka=" + bootstrapServers + ", registry="
                + serdeConfig.get(SCHEMA_REGISTRY_URL) + ", transactionalId=" + transactionalId + ", topics="
                + preferenceTopic + "," + requestTopic + "," + auditTopic + ", apiKeys=" + apiKeys.names() + "]";
    }
}
