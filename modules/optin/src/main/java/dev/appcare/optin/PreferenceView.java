package dev.appcare.optin;

import dev.appcare.avro.TravellerPreference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in API's state: every traveller's current preference, a table kept by reading the compacted
 * {@code traveller.preference.v1} (read_committed) from the beginning. No second database and no disk:
 * the topic <em>is</em> the changelog, and the table is rebuilt from it on every start.
 *
 * <p>Each instance reads all partitions (like a {@code GlobalKTable}), so any instance can answer for
 * any traveller without routing. It tracks, per partition, the offset up to which it has applied the
 * topic, so that callers can wait for it:
 * <ul>
 *   <li>{@link #awaitApplied} after a write: until the written record is in the table (read-your-writes);</li>
 *   <li>{@link #awaitCaughtUp} before a read or a read-modify-write: until the table holds everything
 *       committed to the key's partition at the time of the call, whoever wrote it (another instance,
 *       the sender's STOP handling).</li>
 * </ul>
 *
 * <p>A tombstone removes the key from the table: after an erasure the phone number is nowhere in this
 * instance's memory ({@link #snapshot()} lets tests and audits check), and once the topic is compacted
 * it is nowhere in the topic either.
 */
final class PreferenceView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PreferenceView.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Map<String, Object> consumerConfig;
    private final Admin admin;
    private final Deserializer<TravellerPreference> deserializer;
    private final Map<String, TravellerPreference> table = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final Counter badRecords;

    // Guarded by lock.
    private long[] positions = new long[0];
    private boolean ready;
    private Throwable failure;

    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;
    private int partitionCount;

    /**
     * @param clientIdPrefix prefix of the consumer's client id (unique per instance keeps metrics apart)
     */
    PreferenceView(String topic, String clientIdPrefix, Map<String, Object> clientConfig, Admin admin,
                   Deserializer<TravellerPreference> deserializer, MeterRegistry metrics) {
        this.topic = topic;
        this.admin = admin;
        this.deserializer = deserializer;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-view");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed: no group, no offsets
        this.consumerConfig = config;
        this.badRecords = Counter.builder("appcare.optin.view.bad.records")
                .description("Records on the preference topic that could not be read (their key is treated as unknown)")
                .register(metrics);
        Gauge.builder("appcare.optin.view.travellers", table, Map::size)
                .description("Travellers in the opt-in API's preference table").register(metrics);
        Gauge.builder("appcare.optin.view.ready", this, v -> v.isReady() ? 1 : 0)
                .description("1 once the table has caught up with the topic after start").register(metrics);
    }

    /** Assigns every partition of the topic and starts reading it from the beginning. */
    void start() {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> partitions = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist; create AppCare's topics first "
                        + "(appcare topics create)");
            }
            List<TopicPartition> assignment = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            partitionCount = assignment.size();
            c.assign(assignment);
            c.seekToBeginning(assignment);
            Map<TopicPartition, Long> startupTargets = c.endOffsets(assignment);
            lock.lock();
            try {
                positions = new long[partitionCount];
            } finally {
                lock.unlock();
            }
            consumer = c;
            running = true;
            thread = new Thread(() -> run(c, assignment, startupTargets), "optin-preference-view");
            thread.setDaemon(true);
            thread.start();
        } catch (RuntimeException e) {
            c.close(Duration.ZERO);
            throw e;
        }
    }

    private void run(KafkaConsumer<String, byte[]> c, List<TopicPartition> assignment, Map<TopicPartition, Long> startupTargets) {
        log.info("Reading {} ({} partitions) into the preference table", topic, assignment.size());
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(POLL);
                for (ConsumerRecord<String, byte[]> record : records) {
                    apply(record);
                }
                long[] now = new long[partitionCount];
                for (TopicPartition tp : assignment) {
                    now[tp.partition()] = c.position(tp);
                }
                lock.lock();
                try {
                    positions = now;
                    if (!ready && assignment.stream().allMatch(tp -> now[tp.partition()] >= startupTargets.get(tp))) {
                        ready = true;
                        log.info("Preference table caught up with {}: {} travellers", topic, table.size());
                    }
                    advanced.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (Throwable t) {
            log.error("The preference table stopped reading {}: {}", topic, t.toString(), t);
            lock.lock();
            try {
                failure = t;
                advanced.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            c.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            badRecords.increment();
            log.warn("Ignoring a record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        if (record.value() == null) {
            table.remove(key);
            return;
        }
        try {
            table.put(key, deserializer.deserialize(record.topic(), record.headers(), record.value()));
        } catch (RuntimeException e) {
            // Unknown is the safe reading of an unreadable preference: nobody is messaged on its strength.
            table.remove(key);
            badRecords.increment();
            log.warn("Unreadable preference at {}-{}@{}; its key is treated as having no preference: {}",
                    record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    Optional<TravellerPreference> get(String key) {
        return Optional.ofNullable(table.get(key));
    }

    /** A copy of the whole table: for audits and for tests that check an erasure left nothing behind. */
    Map<String, TravellerPreference> snapshot() {
        return Map.copyOf(table);
    }

    /** The partition the default partitioner (murmur2 of the key) puts {@code key} in. */
    int partitionFor(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    /** Waits until the record written at {@code offset} of {@code partition} is in the table. */
    void awaitApplied(int partition, long offset, Duration timeout) throws TimeoutException, InterruptedException {
        awaitPosition(partition, offset + 1, timeout);
    }

    /**
     * Waits until the table holds everything committed to {@code key}'s partition when this is called:
     * then a read sees every write acknowledged before it, on any instance.
     */
    void awaitCaughtUp(String key, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicPartition tp = new TopicPartition(topic, partitionFor(key));
        long committedEnd;
        try {
            committedEnd = admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs((int) Math.max(1, timeout.toMillis())))
                    .partitionResult(tp).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            throw new TimeoutException("cannot read the end offset of " + tp + ": " + e.getCause());
        }
        awaitPosition(tp.partition(), committedEnd, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private void awaitPosition(int partition, long target, Duration timeout) throws TimeoutException, InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (failure == null && (positions.length <= partition || positions[partition] < target)) {
                if (remaining <= 0) {
                    throw new TimeoutException("the preference table has not reached offset " + target + " of "
                            + topic + "-" + partition + " within " + timeout.toMillis() + " ms");
                }
                remaining = advanced.awaitNanos(remaining);
            }
            if (failure != null) {
                throw new TimeoutException("the preference table stopped: " + failure);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the table has caught up with the topic as it was at start. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!ready && failure == null && remaining > 0) {
                remaining = advanced.awaitNanos(remaining);
            }
            return ready && failure == null;
        } finally {
            lock.unlock();
        }
    }

    boolean isReady() {
        lock.lock();
        try {
            return ready && failure == null && running;
        } finally {
            lock.unlock();
        }
    }

    /** For the health check: why the table cannot serve, or empty when it can. */
    Optional<String> problem() {
        lock.lock();
        try {
            if (failure != null) {
                return Optional.of("stopped reading " + topic + ": " + failure);
            }
            if (!running) {
                return Optional.of("not running");
            }
            if (!ready) {
                return Optional.of("still reading " + topic + " after start");
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        return table.size();
    }

    /** Positions per partition (next offset to apply), for diagnostics. */
    List<Long> positions() {
        lock.lock();
        try {
            List<Long> out = new ArrayList<>(positions.length);
            for (long p : positions) {
                out.add(p);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        table.clear();
    }
}
