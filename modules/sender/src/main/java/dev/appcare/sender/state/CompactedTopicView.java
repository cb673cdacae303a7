package dev.appcare.sender.state;

import dev.appcare.model.registry.SchemaRegistryException;
import dev.appcare.model.serde.BadRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * An in-memory view of a whole compacted topic (every partition, from the beginning, no consumer
 * group), kept current by a reader thread: the sender's ledger and the traveller preferences.
 *
 * <p>Why every partition: the ledger is keyed by messageId and the requests by recipient, so the ledger
 * partition of a request is unrelated to the request partition an instance owns; each instance reads
 * all of it (entries are forgotten after the request expired, which bounds it).
 *
 * <p>Two things make it safe to decide on:
 * <ul>
 *   <li>{@link #catchUp()}: completes once the view has read everything that was in the topic when it was
 *       called. The sender calls it when it is assigned request partitions, so whatever a previous owner
 *       recorded (even one that was killed) is known before the first request is looked at.</li>
 *   <li>{@link #writeThrough}: the instance's own writes are applied as soon as the broker acknowledged
 *       them, not only when read back; the read-back of older records for that key is then skipped, so
 *       the view never steps back to a state older than what this instance wrote.</li>
 * </ul>
 * Subclasses keep their maps and apply records under {@code synchronized (this)}.
 */
public abstract class CompactedTopicView<V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);

    private final String topic;
    private final Consumer<String, byte[]> consumer;
    private final Deserializer<V> deserializer;
    private final Thread thread;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> newRequests = new ConcurrentLinkedQueue<>();
    private final List<CatchUp> pendingRequests = new ArrayList<>();
    /** Offset of this instance's latest write per key, until the reader has passed it. */
    private final Map<String, Long> localWrites = new HashMap<>();
    /** Next offset the reader will apply, per partition. */
    private final Map<Integer, Long> positions = new HashMap<>();
    /** Futures waiting for the reader to pass an offset of a partition ({@link #readPast}). */
    private final List<ReadPast> readPastWaiters = new ArrayList<>();
    private final AtomicLong skippedBadRecords = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    private record CatchUp(CompletableFuture<Void> done, Map<TopicPartition, Long> targets) {
    }

    private record ReadPast(int partition, long offset, CompletableFuture<Void> done) {
    }

    protected CompactedTopicView(String name, String topic, Consumer<String, byte[]> consumer, Deserializer<V> deserializer) {
        this.topic = topic;
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Applies one record's value (null = tombstone) to the subclass's maps; called holding {@code this}. */
    protected abstract void apply(String key, V value);

    public void start() {
        thread.start();
    }

    public String topic() {
        return topic;
    }

    /** Completes when everything written to the topic before this call has been applied. */
    public CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Throwable failed = failure;
        if (failed != null) {
            done.completeExceptionally(failed);
            return done;
        }
        newRequests.add(done); // the reader takes it within one short poll (100 ms)
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

    /**
     * Applies this instance's own acknowledged write at once. If the reader already went past it, the
     * view already holds that record or a newer one for the key, and nothing is done.
     */
    protected final synchronized void writeThrough(String key, V value, RecordMetadata written) {
        Long position = positions.get(written.partition());
        if (position != null && position > written.offset()) {
            return;
        }
        localWrites.merge(key, written.offset(), Math::max);
        apply(key, value);
    }

    /**
     * Completes once the reader has applied the record at {@code offset} of {@code partition} (and so every
     * record before it): what the view then shows for a key is what the log says up to that point.
     */
    protected final synchronized CompletableFuture<Void> readPast(int partition, long offset) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Throwable failed = failure;
        Long position = positions.get(partition);
        if (failed != null) {
            done.completeExceptionally(failed);
        } else if (position != null && position > offset) {
            done.complete(null);
        } else {
            readPastWaiters.add(new ReadPast(partition, offset, done));
        }
        return done;
    }

    private void advance(int partition, long next) {
        positions.put(partition, next);
        if (!readPastWaiters.isEmpty()) {
            readPastWaiters.removeIf(w -> w.partition() == partition && w.offset() < next && w.done().complete(null));
        }
    }

    private synchronized void applyRecord(ConsumerRecord<String, byte[]> record, V value) {
        Long local = localWrites.get(record.key());
        if (local != null) {
            if (record.offset() < local) {
                advance(record.partition(), record.offset() + 1);
                return; // older than what this instance wrote and already applied
            }
            localWrites.remove(record.key());
        }
        apply(record.key(), value);
        advance(record.partition(), record.offset() + 1);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = discoverPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                takeNewRequests(partitions);
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                        if (!decodeAndApply(record)) {
                            break; // seeked back: the rest of this partition comes again
                        }
                    }
                }
                completeSatisfiedRequests();
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            } // else: close() woke us up to stop
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
            // Nobody can fix bytes in our own compacted topic by retrying; count it and go on.
            skippedBadRecords.incrementAndGet();
            log.error("Skipping undecodable record {}-{}@{} of {}: {}", record.topic(), record.partition(),
                    record.offset(), getClass().getSimpleName(), e.getMessage());
            synchronized (this) {
                advance(record.partition(), record.offset() + 1);
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

    private void takeNewRequests(List<TopicPartition> partitions) {
        List<CompletableFuture<Void>> fresh = new ArrayList<>();
        for (CompletableFuture<Void> f; (f = newRequests.poll()) != null; ) {
            fresh.add(f);
        }
        if (fresh.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (CompletableFuture<Void> f : fresh) {
            pendingRequests.add(new CatchUp(f, ends));
        }
        completeSatisfiedRequests();
    }

    private void completeSatisfiedRequests() {
        if (pendingRequests.isEmpty()) {
            return;
        }
        Iterator<CatchUp> it = pendingRequests.iterator();
        while (it.hasNext()) {
            CatchUp request = it.next();
            boolean reached = request.targets().entrySet().stream()
                    .allMatch(e -> e.getValue() <= consumer.position(e.getKey()));
            if (reached) {
                it.remove();
                request.done().complete(null);
            }
        }
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
        for (CompletableFuture<Void> f; (f = newRequests.poll()) != null; ) {
            f.completeExceptionally(t);
        }
        pendingRequests.forEach(r -> r.done().completeExceptionally(t));
        synchronized (this) {
            readPastWaiters.forEach(w -> w.done().completeExceptionally(t));
            readPastWaiters.clear();
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
    }
}
