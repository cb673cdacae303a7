package dev.appcare.sender.state;

import dev.appcare.model.registry.SchemaRegistryException;
import dev.appcare.model.serde.BadRecordException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A view of a compacted topic kept current by a reader thread (no consumer group, {@code read_committed}):
 * either the whole topic ({@link Scope#WHOLE_TOPIC}: the preferences) or only the partitions this instance
 * owns ({@link Scope#ASSIGNED_PARTITIONS}: the ledger, co-partitioned with the requests). Subclasses keep
 * the entries in a {@link KvStore} on disk, not in the heap, and apply records under {@code synchronized (this)}.
 *
 * <ul>
 *   <li>{@link #assign}: opens partitions, reads each from its beginning and completes once it reached the
 *       end it had when assigned (the restore); {@link #release} drops them (their store is deleted).</li>
 *   <li>{@link #catchUp()}: completes once the view has read everything that was in its partitions when it
 *       was called. The sender calls it when it is assigned request partitions, so whatever a previous
 *       owner recorded (even one that was killed) is known before the first request is looked at.</li>
 *   <li>{@link #writeThrough}: the instance's own writes are applied as soon as the broker acknowledged
 *       them, not only when read back; the read-back of older records for that key is then skipped, so
 *       the view never steps back to a state older than what this instance wrote.</li>
 * </ul>
 * Bad records (undecodable bytes in our own compacted topic): nobody can fix them by retrying, so they are
 * skipped, counted ({@link #skippedBadRecords}) and logged with partition and offset; a registry that is
 * unreachable is not the record's fault and is retried.
 */
public abstract class CompactedTopicView<V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);

    /** Which partitions the view reads. */
    public enum Scope { WHOLE_TOPIC, ASSIGNED_PARTITIONS }

    private final String topic;
    private final Scope scope;
    private final Consumer<String, byte[]> consumer;
    private final Deserializer<V> deserializer;
    private final Thread thread;
    /** Assignment changes and catch-up requests, handed to the reader thread in order. */
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final CatchUps catchUps;
    /** Partitions the reader reads now (reader thread only). */
    private final Set<TopicPartition> assigned = new HashSet<>();
    /** Per held partition: where the reader is, own writes not yet read back, {@link #readPast} waiters. */
    private final ViewPositions positions;
    private final AtomicLong skippedBadRecords = new AtomicLong();
    private volatile int partitionCount;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private record Request(CompletableFuture<Void> done, Runnable action) {
    }

    protected CompactedTopicView(String name, String topic, Scope scope, Consumer<String, byte[]> consumer,
                                 Deserializer<V> deserializer) {
        this.topic = topic;
        this.positions = new ViewPositions(topic);
        this.catchUps = new CatchUps(topic);
        this.scope = scope;
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Applies one record's value (null = tombstone) of {@code partition}; called holding {@code this}. */
    protected abstract void apply(int partition, String key, V value);

    /** A partition is about to be read from its beginning: prepare its (empty) store. Holding {@code this}. */
    protected abstract void opened(int partition);

    /** A partition is no longer read: drop what it held. Holding {@code this}. */
    protected abstract void dropped(int partition);

    public void start() {
        thread.start();
    }

    public String topic() {
        return topic;
    }

    /** The topic's partition count, once the reader found the topic (0 before). */
    public int partitionCount() {
        return partitionCount;
    }

    /** Completes when everything written to the view's partitions before this call has been applied. */
    public CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(done, () -> addCatchUp(done, Set.copyOf(assigned), false));
        return done;
    }

    /**
     * Starts reading {@code partitions} (ASSIGNED_PARTITIONS only) from their beginning into fresh stores;
     * completes once each has reached the end it had now (restored). Partitions already read are caught up.
     */
    public CompletableFuture<Void> assign(Collection<Integer> partitions) {
        if (scope != Scope.ASSIGNED_PARTITIONS) {
            throw new IllegalStateException(topic + " is read whole; nothing to assign");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Set<Integer> wanted = Set.copyOf(partitions);
        submit(done, () -> {
            Set<TopicPartition> added = new HashSet<>();
            for (int p : wanted) {
                TopicPartition tp = new TopicPartition(topic, p);
                if (assigned.add(tp)) {
                    added.add(tp);
                    synchronized (this) {
                        positions.open(p);
                        opened(p);
                    }
                }
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(added);
            Set<TopicPartition> all = new HashSet<>();
            wanted.forEach(p -> all.add(new TopicPartition(topic, p)));
            addCatchUp(done, all, true);
        });
        return done;
    }

    /** Stops reading {@code partitions} and drops their state (ASSIGNED_PARTITIONS only). */
    public CompletableFuture<Void> release(Collection<Integer> partitions) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Set<Integer> gone = Set.copyOf(partitions);
        submit(done, () -> {
            for (int p : gone) {
                if (assigned.remove(new TopicPartition(topic, p))) {
                    drop(p);
                }
            }
            consumer.assign(assigned);
            done.complete(null);
        });
        return done;
    }

    /** Up unless the reader thread died. */
    public boolean healthy() {
        return failure == null && (thread.isAlive() || !running);
    }

    public Throwable failure() {
        return failure;
    }

    public long skippedBadRecords() {
        return skippedBadRecords.get();
    }

    /** Whether {@code partition} is read (and its state held) by this view now. */
    protected final synchronized boolean holds(int partition) {
        return positions.holds(partition);
    }

    /** The partitions whose state this view holds now. */
    protected final synchronized Set<Integer> held() {
        return positions.held();
    }

    /**
     * Applies this instance's own acknowledged write at once. If the reader already went past it, the
     * view already holds that record or a newer one for the key, and nothing is done; a write to a
     * partition this view does not hold is not its business.
     */
    protected final synchronized void writeThrough(String key, V value, RecordMetadata written) {
        if (positions.takeOwnWrite(written.partition(), key, written.offset())) {
            apply(written.partition(), key, value);
        }
    }

    /**
     * Completes once the reader has applied the record at {@code offset} of {@code partition} (and so every
     * record before it): what the view then shows for a key is what the log says up to that point. Fails
     * if the partition is not held (or is dropped before).
     */
    protected final synchronized CompletableFuture<Void> readPast(int partition, long offset) {
        return positions.readPast(partition, offset, failure);
    }

    /** Test hook: hold {@code partition} (an empty store) without a reader, as if restored from an empty topic. */
    final synchronized void holdForTest(int partition) {
        positions.open(partition);
        opened(partition);
    }

    private void submit(CompletableFuture<Void> done, Runnable action) {
        requests.add(new Request(done, action));
        Throwable failed = failure;
        if (failed != null) {
            failPending(failed); // the reader is gone: nobody else will
        }
    }

    private void runRequest(Request request) {
        try {
            request.action().run();
        } catch (RuntimeException e) {
            request.done().completeExceptionally(e);
            throw e;
        }
    }

    private void addCatchUp(CompletableFuture<Void> done, Set<TopicPartition> partitions, boolean restore) {
        Map<TopicPartition, Long> ends = partitions.isEmpty() ? Map.of()
                : consumer.endOffsets(partitions, Duration.ofSeconds(30));
        catchUps.add(done, ends, restore);
        catchUps.completeSatisfied(assigned, consumer::position);
    }

    private synchronized void drop(int partition) {
        positions.drop(partition);
        dropped(partition);
    }

    /** Applies a record read from the log, unless released meanwhile or older than an own write applied. */
    private synchronized void applyRecord(ConsumerRecord<String, byte[]> record, V value) {
        if (positions.takeRead(record.partition(), record.key(), record.offset())) {
            apply(record.partition(), record.key(), value);
        }
        positions.advance(record.partition(), record.offset() + 1);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = discoverPartitions();
            partitionCount = partitions.size();
            if (scope == Scope.WHOLE_TOPIC) {
                assigned.addAll(partitions);
                synchronized (this) {
                    partitions.forEach(tp -> {
                        positions.open(tp.partition());
                        opened(tp.partition());
                    });
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            }
            while (running) {
                Request request = assigned.isEmpty() ? requests.poll(100, TimeUnit.MILLISECONDS) : requests.poll();
                for (; request != null; request = requests.poll()) {
                    runRequest(request);
                }
                if (!assigned.isEmpty()) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                    for (TopicPartition partition : records.partitions()) {
                        for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                            if (!decodeAndApply(record)) {
                                break; // seeked back: the rest of this partition comes again
                            }
                        }
                    }
                }
                catchUps.completeSatisfied(assigned, consumer::position);
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            } // else: close() woke us up to stop
        } catch (InterruptedException e) {
            if (running) {
                fail(e);
            }
        } catch (Throwable t) {
            fail(t);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private boolean decodeAndApply(ConsumerRecord<String, byte[]> record) {
        V value;
        try {
            value = record.value() == null ? null : deserializer.deserialize(record.topic(), record.value());
        } catch (BadRecordException e) {
            skippedBadRecords.incrementAndGet();
            log.error("Skipping undecodable record {}-{}@{} of {}: {}", record.topic(), record.partition(),
                    record.offset(), getClass().getSimpleName(), e.getMessage());
            synchronized (this) {
                positions.advance(record.partition(), record.offset() + 1);
            }
            return true;
        } catch (SchemaRegistryException e) {
            log.warn("Schema registry unavailable while reading {}, retrying: {}", topic, e.getMessage());
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
            sleepQuietly(1_000);
            return false;
        }
        applyRecord(record, value);
        return true;
    }

    private List<TopicPartition> discoverPartitions() {
        long deadline = System.currentTimeMillis() + 60_000;
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Topic " + topic + " does not exist: create the topics first "
                        + "(appcare topics create); the sender does not auto-create them");
            }
            sleepQuietly(1_000);
        }
        return List.of();
    }

    private void fail(Throwable t) {
        failure = t;
        log.error("The {} reader stopped: {}", getClass().getSimpleName(), t.toString(), t);
        failPending(t);
        catchUps.failAll(t);
        synchronized (this) {
            positions.failAll(t);
        }
    }

    private void failPending(Throwable t) {
        for (Request r; (r = requests.poll()) != null; ) {
            r.done().completeExceptionally(t);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (int p : positions.held()) {
                drop(p);
            }
        }
    }
}
