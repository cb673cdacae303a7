package dev.appcare.care;

import dev.appcare.care.streams.CareTopology;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.HealthServer;
import dev.appcare.runtime.StreamsRuntime;
import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.Partitioning;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The care role: runs {@link CareTopology} with exactly-once processing, serves {@code /health} and
 * {@code /metrics}, and shuts down gracefully ({@link StreamsRuntime} does the living; a failed stream thread is
 * replaced). Several instances with the same {@code care.application.id}
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
    public static final String ROLE = "care";
    public static final String APPLICATION_ID = "care.application.id";
    public static final String STATE_DIR = "care.state.dir";
    public static final String HEALTH_HOST = "care.health.host";
    public static final String HEALTH_PORT = "care.health.port";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String DEFAULT_APPLICATION_ID = "appcare-care";
    public static final int DEFAULT_HEALTH_PORT = 8093;
    private static final Logger log = LoggerFactory.getLogger(CareApp.class);

    private final AppConfig config;
    private final Clock clock;
    private final StreamsRuntime runtime = new StreamsRuntime(ROLE);
    private CareMetrics metrics;

    public CareApp(AppConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock what every care decision reads as "now" (service hours, the 24-hour window); tests pass their own */
    public CareApp(AppConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public synchronized CareApp start() {
        if (metrics != null) {
            throw new IllegalStateException("already started");
        }
        PrometheusMeterRegistry meters = HealthServer.newMeterRegistry();
        metrics = new CareMetrics(meters);
        CareConfig care = CareConfig.from(config, metrics, clock);
        // Checked before anything opens (the health port, Kafka Streams), so a refused start leaves nothing
        // running. The admin share of the settings does not depend on the health port (it only names the state dir).
        checkCoPartitioned(care.topics(), streamsProperties(config, care, 0));
        HealthServer health = runtime.health(config.get(HEALTH_HOST, "127.0.0.1"),
                config.getInt(HEALTH_PORT, DEFAULT_HEALTH_PORT), meters);
        Properties properties = streamsProperties(config, care, health.port());
        Topology topology = CareTopology.build(care);
        log.info("Care topology:\n{}", topology.describe());
        runtime.start(topology, properties, meters, StreamsRuntime.replaceThread(), ErasureBound.from(config.asMap()));
        return this;
    }

    /**
     * Kafka Streams settings: those of every Streams role ({@link StreamsRuntime#properties}), with one change
     * to the changelogs' erasure settings: tombstone retention. Care's changelogs are keyed by phone, so a
     * tombstone is itself the number and may stay only B/8. Safe because a store that missed a tombstone
     * (restored from an older checkpoint) is corrected by the next sweeps: retention and the erasure check
     * run on what the store holds, whatever its changelog says. What {@link #start} runs with, and what the
     * topology tests give {@code TopologyTestDriver}.
     */
    public static Properties streamsProperties(AppConfig config, CareConfig care, int healthPort) {
        ErasureBound erasure = ErasureBound.from(config.asMap());
        return StreamsRuntime.properties(config, ROLE, healthPort, care.serdeConfig(),
                Map.of(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(erasure.segment().toMillis())));
    }

    /**
     * The three phone-keyed inputs meet in one task: a conversation is only whole if they agree on partitions.
     * The admin client gets every client setting of the role (TLS, SASL), as Kafka Streams' own clients do.
     */
    static void checkCoPartitioned(TopicNames topics, Properties properties) {
        try (Admin admin = Admin.create(StreamsRuntime.adminConfig(properties))) {
            Partitioning.requireCoPartitioned(admin, Partitioning.CARE_CONVERSATION, topics);
        }
    }

    public boolean awaitTermination() throws InterruptedException {
        return runtime.awaitTermination();
    }

    public KafkaStreams.State state() {
        return runtime.state();
    }

    public synchronized CareMetrics metrics() {
        return metrics;
    }

    public void stop() {
        runtime.close();
    }
}
