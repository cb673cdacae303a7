package dev.appcare.optin;

import dev.appcare.avro.TravellerPreference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in API's state through Kafka Streams: the {@link PreferenceTopology} store, of which this
 * instance holds only the partitions it owns. Answers three questions:
 * <ul>
 *   <li>{@link #route}: is a traveller's partition served here, by another instance (its
 *       {@code application.server}), or by nobody right now (a rebalance, a restore)?</li>
 *   <li>{@link #get}: the traveller's preference from the local store (only when owned and running);</li>
 *   <li>{@link #awaitApplied}: wait until the store has applied a record this instance wrote, by the
 *       store's position (Kafka Streams interactive queries with a position bound), so that the answer to a
 *       write and every read after it see the write (read-your-writes).</li>
 * </ul>
 * Nothing here is served from a partition that is not active on this instance: such a call fails with
 * {@link NotServable}, which the API answers with 503 and {@code Retry-After}.
 */
final class PreferenceStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PreferenceStore.class);

    /** Where a traveller's requests go. */
    sealed interface Route permits Local, Remote, Unavailable {
    }

    record Local(int partition) implements Route {
    }

    record Remote(HostInfo owner, int partition) implements Route {
    }

    record Unavailable(String reason) implements Route {
    }

    /** The store cannot answer for this key now (not running, rebalancing, the partition moved). Retryable. */
    static final class NotServable extends RuntimeException {
        NotServable(String message) {
            super(message);
        }
    }

    private final String topic;
    private final Properties properties;
    private final Deserializer<TravellerPreference> deserializer;
    private final Counter badRecords;
    private final CountDownLatch running = new CountDownLatch(1);
    private volatile KafkaStreams streams;
    private volatile HostInfo self;
    private volatile Throwable failure;

    /**
     * @param streamsConfig the Kafka Streams settings ({@link OptinSettings#streamsProperties}); the
     *                      {@code application.server} is added by {@link #start}
     */
    PreferenceStore(String topic, Properties streamsConfig, Deserializer<TravellerPreference> deserializer, MeterRegistry metrics) {
        this.topic = topic;
        this.properties = streamsConfig;
        this.deserializer = deserializer;
        this.badRecords = Counter.builder("appcare.optin.view.bad.records")
                .description("Records on the preference topic that could not be read (their key is treated as unknown)")
                .register(metrics);
        Gauge.builder("appcare.optin.view.travellers", this, PreferenceStore::size)
                .description("Travellers in the partitions of the preference table this instance owns (approximate)")
                .register(metrics);
        Gauge.builder("appcare.optin.view.ready", this, s -> s.problem().isEmpty() ? 1 : 0)
                .description("1 while the partitioned preference store is running").register(metrics);
    }

    /** Starts Kafka Streams, advertising {@code applicationServer} (host:port of this instance's API) to the others. */
    void start(HostInfo applicationServer) {
        self = applicationServer;
        Properties config = new Properties();
        config.putAll(properties);
        config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer.host() + ":" + applicationServer.port());
        KafkaStreams s = new KafkaStreams(PreferenceTopology.build(topic, config), config);
        s.setUncaughtExceptionHandler(e -> {
            // Nothing in the topology decodes or writes, so this is infrastructure; a new thread resumes from the
            // last commit and the store stays where it is on disk.
            log.error("The preference store's stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        s.setStateListener((now, before) -> {
            log.info("Preference store: Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR) {
                failure = new IllegalStateException("Kafka Streams is in ERROR");
                running.countDown();
            }
        });
        streams = s;
        s.start();
    }

    /** Waits until Kafka Streams first reaches RUNNING (every assigned partition restored). */
    boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
    }

    HostInfo self() {
        return self;
    }

    Route route(String key) {
        KafkaStreams s = streams;
        if (s == null || !running(s)) {
            return new Unavailable("the preference store is " + (s == null ? "not started" : s.state()));
        }
        KeyQueryMetadata metadata;
        try {
            metadata = s.queryMetadataForKey(PreferenceTopology.STORE, key, Serdes.String().serializer());
        } catch (RuntimeException e) {
            return new Unavailable("no owner known for the traveller's partition: " + e.getMessage());
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return new Unavailable("the traveller's partition has no owner right now (rebalancing)");
        }
        return metadata.activeHost().equals(self) ? new Local(metadata.partition()) : new Remote(metadata.activeHost(), metadata.partition());
    }

    /** The traveller's preference, from this instance's store; {@link NotServable} unless its partition is active here. */
    Optional<TravellerPreference> get(String key) {
        int partition = ownedPartition(key);
        byte[] bytes = query(key, partition, PositionBound.unbounded());
        return Optional.ofNullable(decode(key, bytes));
    }

    /**
     * Waits until the store has applied the record written at {@code offset} of {@code partition} (the
     * store's position, which Kafka Streams advances as it applies each record of the topic).
     */
    void awaitApplied(String key, int partition, long offset, Duration timeout) throws TimeoutException {
        PositionBound bound = PositionBound.at(Position.emptyPosition().withComponent(topic, partition, offset));
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            try {
                query(key, partition, bound);
                return;
            } catch (NotUpToBound e) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the preference store has not applied offset " + offset + " of " + topic
                            + "-" + partition + " within " + timeout.toMillis() + " ms");
                }
                // Interactive queries offer no wait on a position; the stream thread applies a record within a
                // poll, so a short back-off (1 ms doubling to 20 ms) finds it soon without spinning.
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    private static final class NotUpToBound extends RuntimeException {
        NotUpToBound() {
            super(null, null, false, false);
        }
    }

    private int ownedPartition(String key) {
        Route route = route(key);
        return switch (route) {
            case Local local -> local.partition();
            case Remote remote -> throw new NotServable("the traveller's partition " + remote.partition()
                    + " is served by another instance now");
            case Unavailable unavailable -> throw new NotServable(unavailable.reason());
        };
    }

    private byte[] query(String key, int partition, PositionBound bound) {
        KafkaStreams s = streams;
        if (s == null) {
            throw new NotServable("the preference store is not started");
        }
        StateQueryRequest<Object> request = StateQueryRequest.inStore(PreferenceTopology.STORE)
                .withQuery(KeyQuery.<String, Object>withKey(key))
                .withPartitions(Set.of(partition))
                .withPositionBound(bound)
                .requireActive();
        QueryResult<Object> result;
        try {
            result = s.query(request).getPartitionResults().get(partition);
        } catch (RuntimeException e) {
            throw new NotServable("the preference store cannot be queried: " + e.getMessage());
        }
        if (result == null) {
            throw new NotServable("partition " + partition + " of the preference store is not here");
        }
        if (result.isFailure()) {
            if (result.getFailureReason() == FailureReason.NOT_UP_TO_BOUND) {
                throw new NotUpToBound();
            }
            throw new NotServable("partition " + partition + " of the preference store: " + result.getFailureReason()
                    + " (" + result.getFailureMessage() + ")");
        }
        Object value = result.getResult();
        // A key query on a timestamped store answers with the plain value; unwrap in case it does not.
        return (byte[]) (value instanceof ValueAndTimestamp<?> timestamped ? timestamped.value() : value);
    }

    private TravellerPreference decode(String key, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return deserializer.deserialize(topic, bytes);
        } catch (RuntimeException e) {
            // Unknown is the safe reading of an unreadable preference: nobody is messaged on its strength.
            badRecords.increment();
            log.warn("Unreadable preference in the store (partition of key hash {}); treated as no preference: {}",
                    Integer.toHexString(key.hashCode()), e.toString());
            return null;
        }
    }

    /**
     * A copy of what this instance holds: the travellers of the partitions active here. For audits and for
     * tests that check an erasure left nothing behind. Empty while the store is not running.
     */
    Map<String, TravellerPreference> snapshot() {
        KafkaStreams s = streams;
        Map<String, TravellerPreference> out = new HashMap<>();
        if (s == null || !running(s)) {
            return out;
        }
        ReadOnlyKeyValueStore<String, byte[]> store = s.store(StoreQueryParameters.fromNameAndType(PreferenceTopology.STORE,
                QueryableStoreTypes.<String, byte[]>keyValueStore()));
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                TravellerPreference preference = decode(entry.key, entry.value);
                if (preference != null) {
                    out.put(entry.key, preference);
                }
            }
        }
        return out;
    }

    /** Approximate number of travellers in the local partitions (RocksDB's estimate). */
    long size() {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            return 0;
        }
        try {
            return s.store(StoreQueryParameters.fromNameAndType(PreferenceTopology.STORE,
                    QueryableStoreTypes.<String, byte[]>keyValueStore())).approximateNumEntries();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** For the health check: why the store cannot serve, or empty when it can (RUNNING or REBALANCING). */
    Optional<String> problem() {
        KafkaStreams s = streams;
        if (failure != null) {
            return Optional.of(failure.getMessage());
        }
        if (s == null) {
            return Optional.of("not started");
        }
        if (running.getCount() > 0) {
            return Optional.of("restoring " + topic + " after start (" + s.state() + ")");
        }
        return running(s) ? Optional.empty() : Optional.of("Kafka Streams is " + s.state());
    }

    String state() {
        KafkaStreams s = streams;
        return s == null ? "NOT_STARTED" : s.state().name();
    }

    private static boolean running(KafkaStreams s) {
        return s.state() == KafkaStreams.State.RUNNING || s.state() == KafkaStreams.State.REBALANCING;
    }

    /**
     * Stops Kafka Streams and deletes this instance's state directory: the store holds personal data
     * (phone numbers, booking references), and RocksDB can keep a deleted key in its file index, so nothing
     * of it outlives the process (docs/privacy.md). A restart restores its partitions from the topic.
     */
    @Override
    public void close() {
        KafkaStreams s = streams;
        if (s != null) {
            if (s.close(Duration.ofSeconds(10))) {
                try {
                    s.cleanUp();
                } catch (RuntimeException e) {
                    log.warn("Could not delete the preference store's state directory: {}", e.toString());
                }
            } else {
                log.warn("Kafka Streams did not stop within 10 s; its state directory is left for the next start to reuse");
            }
        }
    }
}
