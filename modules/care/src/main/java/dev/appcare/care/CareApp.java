package dev.appcare.care;

import dev.appcare.care.streams.CareTopology;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.CompactionTicker;
import dev.appcare.runtime.HealthServer;
import dev.appcare.runtime.StateDirectoryCluster;
import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Partitioning;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The care role: runs {@link CareTopology} with exactly-once processing, serves {@code /health} and
 * {@code /metrics}, and shuts down gracefully. Several instances with the same {@code care.application.id}
 * share the phone partitions.
 *
 * <p>Configuration (besides {@link CareConfig}'s keys):
 * <pre>
 *   kafka.bootstrap.servers    Kafka (default 127.0.0.1:9092)
 *   kafka.*                    any other Kafka Streams / client setting
 *   care.application.id        consumer group, transactional ids, internal topic prefix (default appcare-care)
 *   care.state.dir             local state (default: java.io.tmpdir/appcare-care/&lt;application id&gt;-&lt;health port&gt;)
 *   care.health.host/port      the health and metrics endpoint (default 127.0.0.1:8093; 0 = any free port)
 * </pre>
 */
public final class CareApp implements dev.appcare.runtime.Role {
    public static final String APPLICATION_ID = "care.application.id";
    public static final String STATE_DIR = "care.state.dir";
    public static final String HEALTH_HOST = "care.health.host";
    public static final String HEALTH_PORT = "care.health.port";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String DEFAULT_APPLICATION_ID = "appcare-care";
    public static final int DEFAULT_HEALTH_PORT = 8093;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(CareApp.class);

    private final AppConfig config;
    private final Clock clock;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private CareMetrics metrics;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private HealthServer health;
    private CompactionTicker ticker;
    private volatile boolean failed;

    public CareApp(AppConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock what every care decision reads as "now" (service hours, the 24-hour window); tests pass their own */
    public CareApp(AppConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public synchronized CareApp start() {
        if (streams != null) {
            throw new IllegalStateException("already started");
        }
        PrometheusMeterRegistry meters = HealthServer.newMeterRegistry();
        metrics = new CareMetrics(meters);
        CareConfig care = CareConfig.from(config, metrics, clock);
        String host = config.get(HEALTH_HOST, "127.0.0.1");
        health = new HealthServer(host, config.getInt(HEALTH_PORT, DEFAULT_HEALTH_PORT), meters);
        Properties properties = streamsProperties(config, care, health.port());
        checkCoPartitioned(care.topics(), properties);
        Topology topology = CareTopology.build(care);
        log.info("Care topology:\n{}", topology.describe());

        streams = new KafkaStreams(topology, properties);
        Map<String, Object> clients = clientConfig(properties);
        // A state directory from another cluster would be taken as current (StateDirectoryCluster says why).
        StateDirectoryCluster.prepare(Path.of(properties.getProperty(StreamsConfig.STATE_DIR_CONFIG)),
                properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), clients, streams::cleanUp);
        streams.setUncaughtExceptionHandler(exception -> {
            log.error("Stream thread failed; replacing it", exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                failed = true;
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                terminated.countDown();
            }
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        health.check("kafka-streams", () -> {
            KafkaStreams.State state = streams.state();
            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
            return new HealthServer.Health(up, state.name());
        });
        health.start();
        streams.start();
        // Care's changelogs are its own compacted topics: it keeps their partitions rolling (ErasureBound).
        ticker = CompactionTicker.startForPrefix(clients, properties.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-",
                "-changelog", ErasureBound.from(config.asMap()));
        log.info("Care {} started: health and metrics on http://{}:{}/", properties.get(StreamsConfig.APPLICATION_ID_CONFIG),
                host, health.port());
        return this;
    }

    static Properties streamsProperties(AppConfig config, CareConfig care, int healthPort) {
        Properties properties = new Properties();
        properties.putAll(config.withPrefix("kafka."));
        properties.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        String applicationId = config.get(APPLICATION_ID, DEFAULT_APPLICATION_ID);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        String instance = healthPort > 0 ? Integer.toString(healthPort) : UUID.randomUUID().toString();
        properties.put(StreamsConfig.STATE_DIR_CONFIG, config.get(STATE_DIR,
                Path.of(System.getProperty("java.io.tmpdir"), "appcare-care", applicationId + "-" + instance).toString()));
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        care.serdeConfig().forEach(properties::put);
        // Changelogs get the erasure bound's settings like the notifier's (segment.ms, max.compaction.lag.ms,
        // dirty ratio), except tombstone retention: care's changelogs are keyed by phone, so a tombstone is
        // itself the number and may stay only B/8. Safe because a store that missed a tombstone (restored
        // from an older checkpoint) is corrected by the next sweeps: retention and the erasure check run on
        // what the store holds, whatever its changelog says.
        ErasureBound erasure = ErasureBound.from(config.asMap());
        properties.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), Long.toString(erasure.segment().toMillis()));
        properties.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.DELETE_RETENTION_MS_CONFIG),
                Long.toString(erasure.segment().toMillis()));
        TopicSpec.compactionConfigs(erasure).forEach((key, value) -> properties.putIfAbsent(StreamsConfig.topicPrefix(key), value));
        return properties;
    }

    /** Every setting of the role's Kafka Streams as a client configuration (TLS and SASL included). */
    private static Map<String, Object> clientConfig(Properties properties) {
        Map<String, Object> clients = new HashMap<>();
        properties.forEach((key, value) -> clients.put(key.toString(), value));
        return clients;
    }

    /**
     * The three phone-keyed inputs meet in one task: a conversation is only whole if they agree on partitions.
     * The admin client gets every client setting of the role (TLS, SASL), as Kafka Streams' own clients do.
     */
    static void checkCoPartitioned(CareTopics topics, Properties properties) {
        Map<String, Object> adminConfig = clientConfig(properties);
        adminConfig.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin admin = Admin.create(adminConfig)) {
            Partitioning.requireCoPartitioned(admin, Partitioning.CARE_CONVERSATION, topics.phoneKeyed());
        }
    }

    public boolean awaitTermination() throws InterruptedException {
        terminated.await();
        return failed;
    }

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    public synchronized CareMetrics metrics() {
        return metrics;
    }

    public synchronized void stop() {
        if (streams != null) {
            if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
                log.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
            }
            streamsMetrics.close();
        }
        if (ticker != null) {
            ticker.close();
        }
        if (health != null) {
            health.close();
        }
        terminated.countDown();
    }

    @Override
    public void close() {
        stop();
    }
}
