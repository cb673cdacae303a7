package dev.appcare.notifier;

import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.CompactionTicker;
import dev.appcare.runtime.HealthServer;
import dev.appcare.runtime.StateDirectoryCluster;
import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.notifier.streams.DeadLetterProcessingExceptionHandler;
import dev.appcare.notifier.streams.DeadLetterProductionExceptionHandler;
import dev.appcare.notifier.streams.NotifierMetrics;
import dev.appcare.notifier.streams.NotifierTopology;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier role: runs {@link NotifierTopology} with exactly-once processing, serves {@code /health}
 * (up while Kafka Streams is running or rebalancing) and {@code /metrics} (Kafka Streams' metrics and the
 * notifier's counters, Prometheus text), and shuts down gracefully. Start as many instances as there
 * are partitions to share, with the same {@code notifier.application.id}: Kafka Streams spreads the
 * tasks and moves state between them.
 *
 * <p>Configuration (besides {@link NotifierConfig}'s keys):
 * <pre>
 *   kafka.bootstrap.servers    Kafka (default 127.0.0.1:9092)
 *   kafka.*                    any other Kafka Streams / client setting, e.g. kafka.num.stream.threads=2
 *   notifier.application.id    consumer group, transactional ids, internal topic prefix (default appcare-notifier)
 *   notifier.state.dir         local state (default: java.io.tmpdir/appcare-notifier/&lt;application id&gt;-&lt;health port&gt;)
 *   notifier.health.host/port  the health and metrics endpoint (default 127.0.0.1:8090; port 0 = any free port)
 * </pre>
 * {@code processing.guarantee} is always {@code exactly_once_v2}: rule N4 relies on it.
 */
public final class NotifierApp implements dev.appcare.runtime.Role {
    public static final String APPLICATION_ID = "notifier.application.id";
    public static final String STATE_DIR = "notifier.state.dir";
    public static final String HEALTH_HOST = "notifier.health.host";
    public static final String HEALTH_PORT = "notifier.health.port";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String DEFAULT_APPLICATION_ID = "appcare-notifier";
    public static final int DEFAULT_HEALTH_PORT = 8090;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(NotifierApp.class);

    private final AppConfig config;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private PrometheusMeterRegistry meters;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private HealthServer health;
    private CompactionTicker ticker;
    private volatile boolean failed;

    public NotifierApp(AppConfig config) {
        this.config = config;
    }

    /** Builds the topology for the topics as they are on the broker, then starts processing and the endpoint. */
    public synchronized NotifierApp start() {
        if (streams != null) {
            throw new IllegalStateException("already started");
        }
        meters = HealthServer.newMeterRegistry();
        NotifierMetrics metrics = new NotifierMetrics(meters);
        NotifierConfig notifier = NotifierConfig.from(config, metrics);
        String host = config.get(HEALTH_HOST, "127.0.0.1");
        int port = config.getInt(HEALTH_PORT, DEFAULT_HEALTH_PORT);
        health = new HealthServer(host, port, meters);
        Properties properties = streamsProperties(config, notifier, health.port());
        properties.put(DeadLetterProcessingExceptionHandler.METRICS_CONFIG, metrics);
        notifier = resolvePartitions(notifier, properties);
        Topology topology = NotifierTopology.build(notifier);
        log.info("Notifier topology:\n{}", topology.describe());

        streams = new KafkaStreams(topology, properties);
        // A state directory from another cluster would be taken as current (StateDirectoryCluster says why).
        StateDirectoryCluster.prepare(Path.of(properties.getProperty(StreamsConfig.STATE_DIR_CONFIG)),
                properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), clientConfig(properties), streams::cleanUp);
        ThreadFailureBudget budget = new ThreadFailureBudget(3, Duration.ofMinutes(10));
        streams.setUncaughtExceptionHandler(exception -> {
            // Bad input never gets here (it is dead-lettered); this is infrastructure (registry down, broker
            // trouble). A new thread resumes from the last commit once it is back; a failure that keeps
            // coming back ends the process instead of replacing threads forever.
            if (budget.replaceAfterFailureAt(System.currentTimeMillis())) {
                log.error("Stream thread failed; replacing it", exception);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            log.error("Stream threads failed more than 3 times within 10 minutes; stopping the notifier (exit 1)",
                    exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
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
        // The changelogs are the notifier's own compacted topics: it keeps their partitions rolling (ErasureBound).
        ticker = CompactionTicker.startForPrefix(clientConfig(properties), properties.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-",
                "-changelog", ErasureBound.from(config.asMap()));
        log.info("Notifier {} started: health and metrics on http://{}:{}/", properties.get(StreamsConfig.APPLICATION_ID_CONFIG),
                host, health.port());
        return this;
    }

    /** Kafka Streams settings: the role's fixed ones win over anything passed through {@code kafka.*}. */
    static Properties streamsProperties(AppConfig config, NotifierConfig notifier, int healthPort) {
        Properties properties = new Properties();
        properties.putAll(config.withPrefix("kafka."));
        properties.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        String applicationId = config.get(APPLICATION_ID, DEFAULT_APPLICATION_ID);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // Two instances on one host must not share a state directory; the health port tells them apart.
        String instance = healthPort > 0 ? Integer.toString(healthPort) : UUID.randomUUID().toString();
        properties.put(StreamsConfig.STATE_DIR_CONFIG, config.get(STATE_DIR,
                Path.of(System.getProperty("java.io.tmpdir"), "appcare-notifier", applicationId + "-" + instance).toString()));
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionExceptionHandler.class);
        // A crashed instance's tasks move after the session timeout: 6 s (the broker's default minimum), not 45 s.
        properties.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        properties.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        properties.put(DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, notifier.topics().deadLetters());
        notifier.serdeConfig().forEach(properties::put);
        // Changelogs get the settings of the contract's compacted topics, so an erasure reaches them within
        // the same bound (segment.ms, max.compaction.lag.ms, dirty ratio, tombstone retention).
        ErasureBound erasure = ErasureBound.from(config.asMap());
        properties.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), Long.toString(erasure.segment().toMillis()));
        TopicSpec.compactionConfigs(erasure).forEach((key, value) -> properties.putIfAbsent(StreamsConfig.topicPrefix(key), value));
        return properties;
    }

    /**
     * Reads the input topics' partition counts from the broker: the repartition topics are sized like
     * {@code flight.status.v1} (flight-keyed) and {@code traveller.preference.v1} (traveller-keyed) unless
     * configured, and the decode processors use the counts to spot records a producer placed elsewhere
     * than Java's partitioner would. The inputs need not agree with each other: every one is repartitioned
     * by the notifier before it meets another.
     */
    static NotifierConfig resolvePartitions(NotifierConfig notifier, Properties properties) {
        NotifierTopics topics = notifier.topics();
        Map<String, TopicDescription> descriptions;
        Map<String, Object> adminConfig = new java.util.HashMap<>();
        properties.forEach((key, value) -> adminConfig.put(key.toString(), value));
        adminConfig.keySet().retainAll(AdminClientConfig.configNames()); // security settings included
        try (Admin admin = Admin.create(adminConfig)) {
            descriptions = admin.describeTopics(topics.inputs()).allTopicNames().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the notifier's input topics " + topics.inputs()
                    + " (create them first: appcare topics create): " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 60 s at " + properties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Map<String, Integer> inputs = new HashMap<>();
        descriptions.forEach((topic, description) -> inputs.put(topic, description.partitions().size()));
        int flight = notifier.flightPartitions() != 0 ? notifier.flightPartitions() : inputs.get(topics.flightStatus());
        int traveller = notifier.travellerPartitions() != 0 ? notifier.travellerPartitions()
                : inputs.get(topics.travellerPreference());
        return notifier.withPartitions(flight, traveller).withInputPartitions(inputs);
    }

    /** The plain Kafka client settings among the Streams properties (security, bootstrap...). */
    static Map<String, Object> clientConfig(Properties properties) {
        Map<String, Object> client = new java.util.HashMap<>();
        properties.forEach((key, value) -> client.put(key.toString(), value));
        client.keySet().retainAll(ProducerConfig.configNames());
        return client;
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

    /** Graceful shutdown: finishes and commits the records in flight, leaves the group, stops the endpoint. */
    public synchronized void stop() {
        if (ticker != null) {
            ticker.close();
        }
        if (streams != null) {
            boolean closed = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (!closed) {
                log.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
            }
            streamsMetrics.close();
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
