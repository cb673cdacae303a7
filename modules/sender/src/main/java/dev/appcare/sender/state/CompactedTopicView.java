package dev.appcare.sender.state;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;

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
 * The reading itself (the restore, catch-ups, bad records and a registry that is away) is the
 * {@link ViewReader}'s; this class holds what was read, per partition ({@link ViewPositions}), and the
 * lock under which it changes.
 */
public abstract class CompactedTopicView<V> implements AutoCloseable {
    /** Which partitions the view reads. */
    public enum Scope { WHOLE_TOPIC, ASSIGNED_PARTITIONS }

    private final String topic;
    private final Scope scope;
    private final ViewReader<V> reader;
    /** Per held partition: where the reader is, own writes not yet read back, {@link #readPast} waiters. */
    private final ViewPositions positions;

    protected CompactedTopicView(String name, String topic, Scope scope, Consumer<String, byte[]> consumer,
                                 Deserializer<V> deserializer) {
        this.topic = topic;
        this.positions = new ViewPositions(topic);
        this.scope = scope;
        this.reader = new ViewReader<>(this, name, topic, scope, consumer, deserializer);
    }

    /** Applies one record's value (null = tombstone) of {@code partition}; called holding {@code this}. */
    protected abstract void apply(int partition, String key, V value);

    /** A partition is about to be read from its beginning: prepare its (empty) store. Holding {@code this}. */
    protected abstract void opened(int partition);

    /** A partition is no longer read: drop what it held. Holding {@code this}. */
    protected abstract void dropped(int partition);

    public void start() {
        reader.start();
    }

    public String topic() {
        return topic;
    }

    /** The topic's partition count, once the reader found the topic (0 before). */
    public int partitionCount() {
        return reader.partitionCount();
    }

    /** Completes when everything written to the view's partitions before this call has been applied. */
    public CompletableFuture<Void> catchUp() {
        return reader.catchUp();
    }

    /**
     * Starts reading {@code partitions} (ASSIGNED_PARTITIONS only) from their beginning into fresh stores;
     * completes once each has reached the end it had now (restored). Partitions already read are caught up.
     */
    public CompletableFuture<Void> assign(Collection<Integer> partitions) {
        if (scope != Scope.ASSIGNED_PARTITIONS) {
            throw new IllegalStateException(topic + " is read whole; nothing to assign");
        }
        return reader.assign(partitions);
    }

    /** Stops reading {@code partitions} and drops their state (ASSIGNED_PARTITIONS only). */
    public CompletableFuture<Void> release(Collection<Integer> partitions) {
        return reader.release(partitions);
    }

    /** Up unless the reader thread died. */
    public boolean healthy() {
        return reader.healthy();
    }

    public Throwable failure() {
        return reader.failure();
    }

    public long skippedBadRecords() {
        return reader.skippedBadRecords();
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
        return positions.readPast(partition, offset, reader.failure());
    }

    /** Test hook: hold {@code partition} (an empty store) without a reader, as if restored from an empty topic. */
    final synchronized void holdForTest(int partition) {
        openPartition(partition);
    }

    /** The reader is about to read {@code partition} from its beginning. */
    final synchronized void openPartition(int partition) {
        positions.open(partition);
        opened(partition);
    }

    /** The reader is about to read every partition of the topic from its beginning (WHOLE_TOPIC). */
    final synchronized void openPartitions(List<Integer> partitions) {
        partitions.forEach(this::openPartition);
    }

    /** The reader no longer reads {@code partition}: drop its state. */
    final synchronized void dropPartition(int partition) {
        positions.drop(partition);
        dropped(partition);
    }

    /** Applies a record read from the log, unless released meanwhile or older than an own write applied. */
    final synchronized void applyRecord(ConsumerRecord<String, byte[]> record, V value) {
        if (positions.takeRead(record.partition(), record.key(), record.offset())) {
            apply(record.partition(), record.key(), value);
        }
        positions.advance(record.partition(), record.offset() + 1);
    }

    /** The reader skipped an undecodable record: read-backs waiting on it are past it. */
    final synchronized void skipRecord(int partition, long offset) {
        positions.advance(partition, offset + 1);
    }

    /** The reader stopped: every read-back waiting on it fails with {@code cause}. */
    final synchronized void readerFailed(Throwable cause) {
        positions.failAll(cause);
    }

    @Override
    public void close() {
        reader.close();
        synchronized (this) {
            for (int p : positions.held()) {
                dropPartition(p);
            }
        }
    }
}
