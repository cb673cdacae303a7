package dev.appcare.optin;

import dev.appcare.avro.TravellerPreference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in API's state through Kafka Streams: the {@link PreferenceTopology} store, of which this
 * instance holds only the partitions it owns. Answers three questions:
 * <ul>
 *   <li>{@link #route}: is a traveller's partition served here, by another instance (its
 *       {@code application.server}), or by nobody right now (a rebalance, a restore)?</li>
 *   <li>{@link #get}: the traveller's preference from the local store (only when owned and running);</li>
 *   <li>{@link #awaitApplied}: wait until the store holds what this instance just wrote, so that the
 *       answer to a write and every read after it see the write (read-your-writes).</li>
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
    private final Admin admin;
    private final String applicationId;
    /** Partitions active here whose store has caught up since they came (cleared on every rebalance). */
    private final Set<Integer> caughtUp = ConcurrentHashMap.newKeySet();
    /** Per partition active here: the topic's committed end when it came, which the store must reach first. */
    private final Map<Integer, Long> catchUpTargets = new ConcurrentHashMap<>();
    private final Object progressLock = new Object();
    private Map<Integer, Long> committedProgress = Map.of(); // guarded by progressLock
    private long progressReadAt; // guarded by progressLock
    private volatile KafkaStreams streams;
    private volatile Runnable onFailure = () -> { };
    private volatile HostInfo self;
    private volatile Throwable failure;
    private volatile boolean startedUp;

    /**
     * @param streamsConfig the Kafka Streams settings ({@link OptinSettings#streamsProperties}); the
     *                      {@code application.server} is added by {@link #start}
     */
    PreferenceStore(String topic, Properties streamsConfig, Deserializer<TravellerPreference> deserializer, Admin admin,
                    MeterRegistry metrics) {
        this.topic = topic;
        this.admin = admin;
        this.applicationId = streamsConfig.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
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

    /** What to do when the store fails for good (Kafka Streams in ERROR): the app stops and exits non-zero. */
    void onFailure(Runnable action) {
        onFailure = action;
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
            if (now == KafkaStreams.State.REBALANCING) {
                // Partitions may come or go: each must show it has caught up again before it answers.
                caughtUp.clear();
                catchUpTargets.clear();
            }
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR) {
                failure = new IllegalStateException("Kafka Streams is in ERROR");
                running.countDown();
                onFailure.run();
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
        Route route = owner(key);
        if (!(route instanceof Local local)) {
            return route;
        }
        try {
            lookup(key, local.partition()); // owned here, but is the task running (not restoring, not moving)?
        } catch (NotServable e) {
            return new Unavailable(e.getMessage());
        }
        return route;
    }

    /**
     * {@link #route} without probing the local store: {@link Local} when the key's partition is active here
     * and caught up, whether or not its task answers queries right now. For callers that read the store
     * next anyway ({@link #lookup} throws {@link NotServable} with the same reason the probe would give).
     */
    private Route owner(String key) {
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
        if (!metadata.activeHost().equals(self)) {
            return new Remote(metadata.activeHost(), metadata.partition());
        }
        return caughtUp(metadata.partition()) ? new Local(metadata.partition())
                : new Unavailable("partition " + metadata.partition() + " is still catching up with the topic here");
    }

    /**
     * Whether the store of {@code partition}, active here, has applied everything committed to the topic
     * when the partition came here. A task is RUNNING once restored up to the application's committed
     * offset, which trails what was processed by up to a commit interval (on a new application, from the
     * start of the topic): a partition that just came would answer from an older state than the previous
     * owner's. So it answers only once the application's committed offset (Kafka Streams commits the
     * consumer's position, past transaction markers; {@code commit.interval.ms} is 100 ms here) has reached
     * the topic's read_committed end offset as it was when the partition came. Costs two Admin calls per
     * partition per rebalance, none in between.
     */
    private boolean caughtUp(int partition) {
        if (caughtUp.contains(partition)) {
            return true;
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            Long target = catchUpTargets.get(partition);
            if (target == null) {
                target = admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
                catchUpTargets.put(partition, target);
            }
            Long committed = committedProgress().get(partition);
            if (target == 0 || (committed != null && committed >= target)) {
                caughtUp.add(partition);
                return true;
            }
            return false;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Cannot tell whether partition {} has caught up: {}", partition, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The application's committed offsets on the topic, read at most every 100 ms whatever the callers. */
    private Map<Integer, Long> committedProgress() throws ExecutionException, InterruptedException,
            TimeoutException {
        synchronized (progressLock) {
            if (System.nanoTime() - progressReadAt > TimeUnit.MILLISECONDS.toNanos(100)) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<Integer, Long> progress = new HashMap<>();
                offsets.forEach((tp, offset) -> {
                    if (tp.topic().equals(topic) && offset != null) {
                        progress.put(tp.partition(), offset.offset());
                    }
                });
                committedProgress = progress;
                progressReadAt = System.nanoTime();
            }
            return committedProgress;
        }
    }

    /**
     * Waits until every partition active here has caught up ({@link #caughtUp}); false if {@code timeout}
     * passes first. For start: the API answers for its partitions only once they are current.
     */
    boolean awaitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Backoff backoff = new Backoff();
        while (System.nanoTime() < deadline) {
            KafkaStreams s = streams;
            if (s != null && s.state() == KafkaStreams.State.RUNNING && localPartitions(s).stream().allMatch(this::caughtUp)) {
                startedUp = true;
                return true;
            }
            backoff.pause();
        }
        return false;
    }

    private List<Integer> localPartitions(KafkaStreams s) {
        List<Integer> partitions = new ArrayList<>();
        s.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> task.topicPartitions().forEach(tp -> {
            if (tp.topic().equals(topic)) {
                partitions.add(tp.partition());
            }
        })));
        return partitions;
    }

    /** The traveller's preference, from this instance's store; {@link NotServable} unless its partition is active here. */
    Optional<TravellerPreference> get(String key) {
        int partition = ownedPartition(key);
        return Optional.ofNullable(decode(key, lookup(key, partition)));
    }

    /**
     * Waits until this instance's store holds {@code written} (the bytes this instance just wrote for
     * {@code key}; {@code null} for a tombstone), so that the answer to a write and every read after it see
     * the write. Also waits, within the same timeout, while the partition is briefly not queryable here (a
     * rebalance that keeps it on this instance).
     *
     * <p>By value rather than by the store's position: Kafka Streams 4.3.1 reports the position through
     * its interactive queries v2, whose query locks the position and then the RocksDB store, while the
     * stream thread's {@code put} locks the store and then the position (KAFKA-19629 orders them later);
     * in our runs a call and the stream thread deadlocked. Plain key lookups lock only the store. Writes for one
     * traveller are serialised on its owner, so the value equals the written bytes once this write (and
     * no later one) is applied; if another writer changed the value meanwhile the call times out with 503,
     * which is safe to retry.
     */
    void awaitApplied(String key, byte[] written, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Backoff backoff = new Backoff();
        while (true) {
            String behind;
            try {
                if (Arrays.equals(lookup(key, ownedPartition(key)), written)) {
                    return;
                }
                behind = "not applied yet";
            } catch (NotServable e) {
                behind = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the preference store does not hold the write within " + timeout.toMillis()
                        + " ms (" + behind + ")");
            }
            backoff.pause();
        }
    }

    /**
     * Interactive queries offer no wait for a record or for a task becoming active; the stream thread
     * applies a record within a poll and a rebalance takes a few hundred ms, so a short back-off (1 ms
     * doubling to 50 ms) finds either soon without spinning.
     */
    private static final class Backoff {
        private long nanos = TimeUnit.MILLISECONDS.toNanos(1);

        void pause() {
            LockSupport.parkNanos(nanos);
            nanos = Math.min(nanos * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** {@link #route}, waiting up to {@code timeout} while no instance serves the key (a short rebalance). */
    Route route(String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Backoff backoff = new Backoff();
        Route route = route(key);
        while (route instanceof Unavailable && System.nanoTime() < deadline) {
            backoff.pause();
            route = route(key);
        }
        return route;
    }

    private int ownedPartition(String key) {
        Route route = owner(key);
        return switch (route) {
            case Local local -> local.partition();
            case Remote remote -> throw new NotServable("the traveller's partition " + remote.partition()
                    + " is served by another instance now");
            case Unavailable unavailable -> throw new NotServable(unavailable.reason());
        };
    }

    /** The key's bytes in the local store of {@code partition}, active and running here; else {@link NotServable}. */
    private byte[] lookup(String key, int partition) {
        KafkaStreams s = streams;
        if (s == null) {
            throw new NotServable("the preference store is not started");
        }
        try {
            return s.store(storeQuery().withPartition(partition)).get(key);
        } catch (InvalidStateStoreException e) {
            throw new NotServable("partition " + partition + " of the preference store is not served here now: " + e.getMessage());
        }
    }

    private static StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> storeQuery() {
        return StoreQueryParameters.fromNameAndType(PreferenceTopology.STORE, QueryableStoreTypes.keyValueStore());
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
        ReadOnlyKeyValueStore<String, byte[]> store = s.store(storeQuery());
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
            return s.store(storeQuery()).approximateNumEntries();
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
        if (running.getCount() > 0 || !startedUp) {
            return Optional.of("restoring and catching up with " + topic + " after start (" + s.state() + ")");
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
