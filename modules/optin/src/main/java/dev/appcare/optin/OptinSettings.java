package dev.appcare.optin;

import dev.appcare.model.registry.RegistryClientConfig;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.ClientSettings;
import dev.appcare.runtime.Clients;
import dev.appcare.runtime.RoleOptions;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The opt-in API's configuration, read from an {@link AppConfig} (properties file, then {@code APPCARE_*}
 * environment variables, then command-line options). Every key and its default is listed in
 * docs/optin-api.md.
 */
record OptinSettings(
        String host,
        int port,
        int maxBodyBytes,
        Clients clients,
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
        ApiKeys apiKeys,
        String applicationId,
        String advertisedHost,
        Path stateDir,
        Duration erasureBound) {

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
    /** The Kafka Streams application (consumer group) the instances of one deployment share. */
    static final String APPLICATION_ID = "optin.application.id";
    static final String DEFAULT_APPLICATION_ID = "appcare-optin";
    /** The host other instances use to forward a request here; the port is always this instance's API port. */
    static final String ADVERTISED_HOST = "optin.advertised.host";
    static final String STATE_DIR = "optin.state.dir";

    static final int DEFAULT_PORT = 8083;
    /** /health and /metrics: a port of their own, so the API port serves only the API (least privilege). */
    static final int DEFAULT_MANAGEMENT_PORT = 8084;
    static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

    static OptinSettings from(AppConfig config) {
        // Every kafka.* key and every registry key the other roles take (schema.registry.* with the trust store,
        // basic/bearer auth); broker and registry default to the local stack.
        Clients clients = Clients.from(config, ClientSettings.DEFAULT_BOOTSTRAP, RoleOptions.DEFAULT_REGISTRY);

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
                clients,
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
                ApiKeys.fromConfig(config),
                config.get(APPLICATION_ID, DEFAULT_APPLICATION_ID),
                config.get(ADVERTISED_HOST, null),
                config.get(STATE_DIR, null) == null ? null : Path.of(config.get(STATE_DIR, null)),
                ErasureBound.from(config.asMap()).bound());
    }

    /**
     * The host:port other instances forward requests to: {@value #ADVERTISED_HOST} (default: the API's bind
     * host, 127.0.0.1) and the port the API listens on.
     */
    HostInfo applicationServer(int boundPort) {
        String advertised = advertisedHost != null ? advertisedHost
                : host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return new HostInfo(advertised, boundPort);
    }

    /**
     * Kafka Streams settings of the partitioned preference store: everything under {@code kafka.}, then the
     * role's own, which win. The state directory defaults to one per transactional id (stable across an
     * instance's restarts, so a restart finds its store on disk and restores only what is new).
     */
    Properties streamsProperties() {
        Properties properties = new Properties();
        properties.putAll(clients.kafka());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, (stateDir != null ? stateDir
                : Path.of(System.getProperty("java.io.tmpdir"), "appcare-optin", applicationId + "-" + transactionalId)).toString());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // The store is a copy of committed records only: an aborted opt-in must not be served, restored or not.
        properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        properties.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        properties.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        properties.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, PreferenceRocksDbConfig.class);
        properties.put(PreferenceRocksDbConfig.ERASURE_BOUND_SECONDS, Long.toString(erasureBound.toSeconds()));
        // A crashed instance's partitions move after the session timeout: 6 s (the broker's minimum), not 45 s.
        properties.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        properties.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        properties.putIfAbsent(StreamsConfig.CLIENT_ID_CONFIG, transactionalId + "-store");
        // Commit often: a partition that moves answers once the committed offset reaches the topic's end
        // (PreferenceStore#caughtUp), so the commit interval is part of how long it answers 503.
        properties.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        return properties;
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

    String bootstrapServers() {
        return clients.bootstrapServers();
    }

    /** Every {@code kafka.*} setting without the prefix, {@code bootstrap.servers} included. */
    Map<String, Object> kafkaClientConfig() {
        return clients.kafka();
    }

    Map<String, Object> serdeConfig() {
        return clients.serde();
    }

    @Override
    public String toString() {
        // Never print the keys.
        return "OptinSettings[http=" + host + ":" + port + ", management=" + managementHost + ":" + managementPort + ", kafka=" + clients.bootstrapServers() + ", registry="
                + clients.serde().get(SCHEMA_REGISTRY_URL) + ", transactionalId=" + transactionalId + ", topics="
                + preferenceTopic + "," + requestTopic + "," + auditTopic + ", applicationId=" + applicationId + ", apiKeys=" + apiKeys.names() + "]";
    }
}
