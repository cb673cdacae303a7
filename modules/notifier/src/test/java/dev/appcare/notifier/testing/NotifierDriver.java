package dev.appcare.notifier.testing;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.model.registry.InMemorySchemaRegistryClient;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.StreamsRuntime;
import dev.appcare.notifier.NotifierApp;
import dev.appcare.notifier.NotifierConfig;
import dev.appcare.notifier.rules.MessageBudget;
import dev.appcare.notifier.streams.NotifierMetrics;
import dev.appcare.notifier.streams.NotifierTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The notifier's topology in a {@link TopologyTestDriver}, with typed input and output topics and an
 * in-memory schema registry of its own. Exactly the topology production builds, with the contract's
 * topic names and six partitions per repartition topic.
 */
public final class NotifierDriver implements AutoCloseable {
    public static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    public final String registryScope = "notifier-test-" + UUID.randomUUID();
    public final TopicNames topics = Topics.contract();
    public final NotifierMetrics metrics = new NotifierMetrics(new SimpleMeterRegistry());
    public final NotifierConfig config;
    public final TopologyTestDriver driver;
    public final TestInputTopic<String, FlightStatusEvent> flights;
    public final TestInputTopic<String, PassengerSegment> segments;
    public final TestInputTopic<String, TravellerPreference> preferences;
    public final TestInputTopic<String, BoardingPassIssued> boardingPasses;
    public final TestOutputTopic<String, WhatsAppRequest> requests;
    public final TestOutputTopic<String, DeadLetter> deadLetters;
    public final TestOutputTopic<String, NotifierDecision> decisions;
    private final Path stateDir;

    public NotifierDriver() {
        this(c -> c);
    }

    public NotifierDriver(UnaryOperator<NotifierConfig> customise) {
        // The message budget (N12) is off unless a test turns it on: the tests of the other rules play a flight's
        // day in minutes; MessageBudgetTopologyTest runs the production budget.
        this.config = customise.apply(NotifierConfig.defaults(registryUrl())
                .withBudget(MessageBudget.UNLIMITED)
                .withPartitions(6, 6)
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withMetrics(metrics));
        try {
            stateDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "notifier-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Topology topology = NotifierTopology.build(config);
        // The driver's wall clock and every input topic start at the scenario's instant: a record piped
        // without a timestamp then carries NOW, never the date the test happens to run on.
        driver = new TopologyTestDriver(topology, properties(config, stateDir), NOW);
        Map<String, String> serde = Map.of("schema.registry.url", registryUrl());
        flights = input(topics.name(Topics.FLIGHT_STATUS), new StringSerializer(), serializer(serde));
        segments = input(topics.name(Topics.PASSENGER_SEGMENT), new StringSerializer(), serializer(serde));
        preferences = input(topics.name(Topics.TRAVELLER_PREFERENCE), new StringSerializer(), serializer(serde));
        boardingPasses = input(topics.name(Topics.BOARDING_PASS), new StringSerializer(), serializer(serde));
        requests = driver.createOutputTopic(topics.name(Topics.WHATSAPP_REQUEST), new StringDeserializer(),
                deserializer(WhatsAppRequest.class, serde));
        deadLetters = driver.createOutputTopic(topics.name(Topics.NOTIFIER_DLQ), new StringDeserializer(),
                deserializer(DeadLetter.class, serde));
        decisions = driver.createOutputTopic(topics.name(Topics.NOTIFIER_DECISION), new StringDeserializer(),
                deserializer(NotifierDecision.class, serde));
    }

    public String registryUrl() {
        return "mock://" + registryScope;
    }

    /**
     * The notifier's production Streams settings ({@link NotifierApp#streamsProperties}), pointed at no broker
     * (the driver needs none) and at {@code stateDir}.
     */
    public static Properties properties(NotifierConfig config, Path stateDir) {
        AppConfig app = AppConfig.of(Map.of("kafka.bootstrap.servers", "unused:9092",
                StreamsRuntime.applicationIdKey(NotifierApp.ROLE), "notifier-test",
                StreamsRuntime.stateDirKey(NotifierApp.ROLE), stateDir.toString()));
        return NotifierApp.streamsProperties(app, config, 0);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> AvroSerializer<T> serializer(Map<String, ?> config) {
        AvroSerializer<T> serializer = new AvroSerializer<>();
        serializer.configure(config, false);
        return serializer;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> AvroDeserializer<T> deserializer(Class<T> type,
                                                                                                     Map<String, ?> config) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        deserializer.configure(config, false);
        return deserializer;
    }

    /** Raw bytes into an input topic, for undecodable records. */
    public TestInputTopic<String, byte[]> raw(String topic) {
        return input(topic, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * An input topic whose records, when piped without a timestamp, carry {@link #NOW} (not the wall
     * clock): every record a test writes has a time that fits the scenario, whatever today's date is.
     */
    public <K, V> TestInputTopic<K, V> input(String topic, org.apache.kafka.common.serialization.Serializer<K> keys,
                                             org.apache.kafka.common.serialization.Serializer<V> values) {
        return driver.createInputTopic(topic, keys, values, NOW, java.time.Duration.ZERO);
    }

    public void flight(FlightStatusEvent event) {
        flights.pipeInput(event.getFlightKey(), event, event.getEventTime());
    }

    public void flight(FlightStatusEvent.Builder event) {
        flight(event.build());
    }

    public void book(String travellerKey, String flightKey, String givenName) {
        segments.pipeInput(Keys.segmentKey(travellerKey, flightKey), Fixtures.segment(travellerKey, flightKey, givenName),
                Instant.parse("2026-10-01T00:00:00Z"));
    }

    public void preference(TravellerPreference preference) {
        preferences.pipeInput(preference.getTravellerKey(), preference, preference.getUpdatedAt());
    }

    public void boardingPass(BoardingPassIssued pass) {
        boardingPasses.pipeInput(pass.getTravellerKey(), pass, pass.getEventTime());
    }

    /** Every request written since the last call. */
    public List<TestRecord<String, WhatsAppRequest>> takeRequests() {
        return requests.readRecordsToList();
    }

    public List<WhatsAppRequest> takeRequestValues() {
        return requests.readValuesToList();
    }

    /** Every decision record (N11) written since the last call. */
    public List<TestRecord<String, NotifierDecision>> takeDecisions() {
        return decisions.readRecordsToList();
    }

    public List<TestRecord<String, DeadLetter>> takeDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(registryScope);
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is under target/
        }
    }
}
