package dev.appcare.notifier;

import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.HealthServer;
import dev.appcare.runtime.StreamsRuntime;
import dev.appcare.model.topics.ErasureBound;
import dev.appcare.notifier.streams.DeadLetterProcessingExceptionHandler;
import dev.appcare.notifier.streams.DeadLetterProductionExceptionHandler;
import dev.appcare.notifier.streams.NotifierMetrics;
import dev.appcare.notifier.streams.NotifierTopology;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier role: runs {@link NotifierTopology} with exactly-once processing, serves {@code /health}
 * (up while Kafka Streams is running or rebalancing) and {@code /metrics} (Kafka Streams' metrics and the
 * notifier's counters, Prometheus text), and shuts down gracefully ({@link StreamsRuntime} does the living). Start as many instances as there
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
    public static final String ROLE = "notifier";
    public static final String APPLICATION_ID = "notifier.application.id";
    public static final String STATE_DIR = "notifier.state.dir";
    public static final String HEALTH_HOST = "notifier.health.host";
    public static final String HEALTH_PORT = "notifier.health.port";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String DEFAULT_APPLICATION_ID = "appcare-notifier";
    public static final int DEFAULT_HEALTH_PORT = 8090;
    private static final Logger log = LoggerFactory.getLogger(NotifierApp.class);

    private final AppConfig config;
    private final StreamsRuntime runtime = new StreamsRuntime(ROLE);
    private boolean started;

    public NotifierApp(AppConfig config) {
        this.config = config;
    }

    /** Builds the topology for the topics as they are on the broker, then starts processing and the endpoint. */
    public synchronized NotifierApp start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        PrometheusMeterRegistry meters = HealthServer.newMeterRegistry();
        NotifierMetrics metrics = new NotifierMetrics(meters);
        NotifierConfig notifier = NotifierConfig.from(config, metrics);
        HealthServer health = runtime.health(config.get(HEALTH_HOST, "127.0.0.1"),
                config.getInt(HEALTH_PORT, DEFAULT_HEALTH_PORT), meters);
        Properties properties = streamsProperties(config, notifier, health.port());
        notifier = resolvePartitions(notifier, properties);
        Topology topology = NotifierTopology.build(notifier);
        log.info("Notifier topology:\n{}", topology.describe());
        runtime.start(topology, properties, meters, threadPolicy(), ErasureBound.from(config.asMap()));
        return this;
    }

    /**
     * Bad input never reaches a stream thread's handler (it is dead-lettered); this is infrastructure (registry
     * down, broker trouble). A new thread resumes from the last commit once it is back; a failure that keeps
     * coming back ends the process instead of replacing threads forever.
     */
    private static StreamsUncaughtExceptionHandler threadPolicy() {
        ThreadFailureBudget budget = new ThreadFailureBudget(3, Duration.ofMinutes(10));
        StreamsUncaughtExceptionHandler replace = StreamsRuntime.replaceThread();
        return exception -> {
            if (budget.replaceAfterFailureAt(System.currentTimeMillis())) {
                return replace.handle(exception);
            }
            log.error("Stream threads failed more than 3 times within 10 minutes; stopping the notifier (exit 1)",
                    exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        };
    }

    /**
     * Kafka Streams settings: those of every Streams role ({@link StreamsRuntime#properties}), then the
     * notifier's own (rule N10's dead-letter handlers with the notifier's metrics, explicit internal names, a
     * short session timeout). What {@link #start} runs with, and what the topology tests give
     * {@code TopologyTestDriver}, so that they test the settings production runs.
     */
    public static Properties streamsProperties(AppConfig config, NotifierConfig notifier, int healthPort) {
        Properties properties = StreamsRuntime.properties(config, ROLE, healthPort, notifier.serdeConfig(), Map.of());
        properties.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionExceptionHandler.class);
        // A crashed instance's tasks move after the session timeout: 6 s (the broker's default minimum), not 45 s.
        properties.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        properties.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        properties.put(DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG,
                notifier.topics().name(Topics.NOTIFIER_DLQ));
        properties.put(DeadLetterProcessingExceptionHandler.METRICS_CONFIG, notifier.metrics());
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
        TopicNames topics = notifier.topics();
        List<String> inputNames = topics.names(NotifierTopology.INPUTS);
        Map<String, TopicDescription> descriptions;
        try (Admin admin = Admin.create(StreamsRuntime.adminConfig(properties))) { // security settings included
            descriptions = admin.describeTopics(inputNames).allTopicNames().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the notifier's input topics " + inputNames
                    + " (create them first: appcare topics create): " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 60 s at " + properties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Map<String, Integer> inputs = new HashMap<>();
        descriptions.forEach((topic, description) -> inputs.put(topic, description.partitions().size()));
        int flight = notifier.flightPartitions() != 0 ? notifier.flightPartitions()
                : inputs.get(topics.name(Topics.FLIGHT_STATUS));
        int traveller = notifier.travellerPartitions() != 0 ? notifier.travellerPartitions()
                : inputs.get(topics.name(Topics.TRAVELLER_PREFERENCE));
        return notifier.withPartitions(flight, traveller).withInputPartitions(inputs);
    }

    /** Blocks until Kafka Streams stops (closed, or failed for good); true if it failed. */
    public boolean awaitTermination() throws InterruptedException {
        return runtime.awaitTermination();
    }

    public KafkaStreams.State state() {
        return runtime.state();
    }

    public int healthPort() {
        return runtime.healthPort();
    }

    /** Graceful shutdown: finishes and commits the records in flight, leaves the group, stops the endpoint. */
    public void stop() {
        runtime.close();
    }
}
