package dev.appcare.runtime;

import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.TopicSpec;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Kafka Streams role (the notifier, care) lives, written once: the Streams settings every such role
 * sets, the state-directory check ({@link StateDirectoryCluster}), the stream-thread failure policy, the
 * state listener behind {@link #awaitTermination()}, Kafka Streams' metrics and the {@code kafka-streams}
 * health check on the role's {@link HealthServer}, the changelogs' {@link CompactionTicker}, and a graceful
 * stop. The role keeps what is its own: its topology, its extra settings, its checks before start.
 *
 * <p>Settings, for a role named {@code <role>}:
 * <pre>
 *   kafka.*                 every Kafka Streams / client setting ({@link ClientSettings#kafka}; TLS and SASL included)
 *   &lt;role&gt;.application.id   consumer group, transactional ids, internal topic prefix (default appcare-&lt;role&gt;)
 *   &lt;role&gt;.state.dir        local state (default: java.io.tmpdir/appcare-&lt;role&gt;/&lt;application id&gt;-&lt;health port&gt;)
 * </pre>
 */
public final class StreamsRuntime implements AutoCloseable {
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(StreamsRuntime.class);

    private final String role;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean failed;
    private HealthServer health;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private CompactionTicker ticker;

    /** @param role the role's name, as in its setting keys ({@code notifier}, {@code care}) */
    public StreamsRuntime(String role) {
        this.role = role;
    }

    /** {@code <role>.application.id} */
    public static String applicationIdKey(String role) {
        return role + ".application.id";
    }

    /** {@code <role>.state.dir} */
    public static String stateDirKey(String role) {
        return role + ".state.dir";
    }

    /**
     * The Streams settings every role sets; the fixed ones win over anything passed through {@code kafka.*}.
     * Exactly-once (v2) processing always; the registry serde settings; changelogs get the settings of the
     * contract's compacted topics, so an erasure reaches them within the same bound (segment.ms,
     * max.compaction.lag.ms, dirty ratio, tombstone retention).
     *
     * @param changelogDefaults topic settings of the role's own that come before the contract's (a key set here wins
     *                          over {@link TopicSpec#compactionConfigs}, not over {@code kafka.topic.*})
     */
    public static Properties properties(AppConfig config, String role, int healthPort, Map<String, Object> serdeConfig,
                                        Map<String, String> changelogDefaults) {
        Properties properties = new Properties();
        properties.putAll(ClientSettings.kafka(config));
        String applicationId = config.get(applicationIdKey(role), "appcare-" + role);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // Two instances on one host must not share a state directory; the health port tells them apart.
        String instance = healthPort > 0 ? Integer.toString(healthPort) : UUID.randomUUID().toString();
        properties.put(StreamsConfig.STATE_DIR_CONFIG, config.get(stateDirKey(role),
                Path.of(System.getProperty("java.io.tmpdir"), "appcare-" + role, applicationId + "-" + instance).toString()));
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        serdeConfig.forEach(properties::put);
        ErasureBound erasure = ErasureBound.from(config.asMap());
        properties.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), Long.toString(erasure.segment().toMillis()));
        changelogDefaults.forEach((key, value) -> properties.putIfAbsent(StreamsConfig.topicPrefix(key), value));
        TopicSpec.compactionConfigs(erasure).forEach((key, value) -> properties.putIfAbsent(StreamsConfig.topicPrefix(key), value));
        return properties;
    }

    /** The admin client's share of the Streams settings (bootstrap, TLS, SASL...), as Kafka Streams' own clients get them. */
    public static Map<String, Object> adminConfig(Properties properties) {
        Map<String, Object> admin = new HashMap<>();
        properties.forEach((key, value) -> admin.put(key.toString(), value));
        admin.keySet().retainAll(AdminClientConfig.configNames());
        return admin;
    }

    /** Replace a failed stream thread, always: it resumes from the last commit. */
    public static StreamsUncaughtExceptionHandler replaceThread() {
        return exception -> {
            log.error("Stream thread failed; replacing it", exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    /** The role's health and metrics endpoint (not yet serving); closed by {@link #close()}. */
    public synchronized HealthServer health(String host, int port, PrometheusMeterRegistry meters) {
        if (health != null) {
            throw new IllegalStateException("already serving");
        }
        health = new HealthServer(host, port, meters);
        return health;
    }

    /**
     * Starts Kafka Streams for the topology: checks the state directory, sets the thread policy, binds the
     * metrics, adds the {@code kafka-streams} check (up while running or rebalancing), starts the endpoint
     * from {@link #health}, then Streams, then the ticks of the role's changelogs (its own compacted topics).
     */
    public synchronized KafkaStreams start(Topology topology, Properties properties, PrometheusMeterRegistry meters,
                                           StreamsUncaughtExceptionHandler threads, ErasureBound erasure) {
        if (streams != null) {
            throw new IllegalStateException("already started");
        }
        if (health == null) {
            throw new IllegalStateException("health(...) first: the state directory is named after its port");
        }
        String applicationId = properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        Map<String, Object> admin = adminConfig(properties);
        KafkaStreams started = new KafkaStreams(topology, properties);
        streams = started;
        // A state directory from another cluster would be taken as current (StateDirectoryCluster says why).
        StateDirectoryCluster.prepare(Path.of(properties.getProperty(StreamsConfig.STATE_DIR_CONFIG)), applicationId,
                admin, started::cleanUp);
        started.setUncaughtExceptionHandler(threads);
        started.setStateListener((now, before) -> {
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                failed = true;
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                terminated.countDown();
            }
        });
        streamsMetrics = new KafkaStreamsMetrics(started);
        streamsMetrics.bindTo(meters);
        health.check("kafka-streams", () -> {
            KafkaStreams.State state = started.state();
            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
            return new HealthServer.Health(up, state.name());
        });
        health.start();
        started.start();
        ticker = CompactionTicker.startForPrefix(admin, applicationId + "-", "-changelog", erasure);
        log.info("{} {} started: health and metrics on port {}", role, applicationId, health.port());
        return started;
    }

    /** Blocks until Kafka Streams stops (closed, or failed for good); true if it failed. */
    public boolean awaitTermination() throws InterruptedException {
        terminated.await();
        return failed;
    }

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    public synchronized int healthPort() {
        return health == null ? -1 : health.port();
    }

    /** Graceful stop: the ticks, then Streams (finishes and commits what is in flight, leaves the group), then the endpoint. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.close();
        }
        if (streams != null) {
            boolean closed = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (!closed) {
                log.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
            }
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (health != null) {
            health.close();
        }
        terminated.countDown();
    }
}
