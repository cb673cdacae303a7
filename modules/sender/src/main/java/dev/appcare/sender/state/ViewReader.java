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
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader thread of a {@link CompactedTopicView}: owns its consumer (no group, assigned by hand), reads
 * the view's partitions from their beginning (the restore) and on, and hands each decoded record to the
 * view. Assignment changes and catch-up requests are queued to this thread and run in order between polls,
 * so the consumer is only ever touched here.
 *
 * <p>Bad records (undecodable bytes in our own compacted topic): nobody can fix them by retrying, so they
 * are skipped, counted ({@link #skippedBadRecords}) and logged with partition and offset; a registry that
 * is unreachable is not the record's fault and is retried. Anything else stops the reader
 * ({@link #failure}), and every pending request, catch-up and read-back fails with it.
 */
final class ViewReader<V> {
    private static final Logger log = LoggerFactory.getLogger(ViewReader.class);

    private final CompactedTopicView<V> view;
    private final String topic;
    private final CompactedTopicView.Scope scope;
    private final Consumer<String, byte[]> consumer;
    private final Deserializer<V> deserializer;
    private final Thread thread;
    /** Assignment changes and catch-up requests, handed to the reader thread in order. */
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final CatchUps catchUps;
    /** Partitions the reader reads now (reader thread only). */
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final AtomicLong skippedBadRecords = new AtomicLong();
    private volatile int partitionCount;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private record Request(CompletableFuture<Void> done, Runnable action) {
    }

    ViewReader(CompactedTopicView<V> view, String name, String topic, CompactedTopicView.Scope scope,
               Consumer<String, byte[]> consumer, Deserializer<V> deserializer) {
        this.view = view;
        this.topic = topic;
        this.scope = scope;
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.catchUps = new CatchUps(topic);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int partitionCount() {
        return partitionCount;
    }

    boolean healthy() {
        return failure == null && (thread.isAlive() || !running);
    }

    Throwable failure() {
        return failure;
    }

    long skippedBadRecords() {
        return skippedBadRecords.get();
    }

    /** See {@link CompactedTopicView#catchUp()}. */
    CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(done, () -> addCatchUp(done, Set.copyOf(assigned), false));
        return done;
    }

    /** See {@link CompactedTopicView#assign}. */
    CompletableFuture<Void> assign(Collection<Integer> partitions) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Set<Integer> wanted = Set.copyOf(partitions);
        submit(done, () -> {
            Set<TopicPartition> added = new HashSet<>();
            for (int p : wanted) {
                TopicPartition tp = new TopicPartition(topic, p);
                if (assigned.add(tp)) {
                    added.add(tp);
                    view.openPartition(p);
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

    /** See {@link CompactedTopicView#release}. */
    CompletableFuture<Void> release(Collection<Integer> partitions) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Set<Integer> gone = Set.copyOf(partitions);
        submit(done, () -> {
            for (int p : gone) {
                if (assigned.remove(new TopicPartition(topic, p))) {
                    view.dropPartition(p);
                }
            }
            consumer.assign(assigned);
            done.complete(null);
        });
        return done;
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

    private void run() {
        try {
            List<TopicPartition> partitions = discoverPartitions();
            partitionCount = partitions.size();
            if (scope == CompactedTopicView.Scope.WHOLE_TOPIC) {
                assigned.addAll(partitions);
                view.openPartitions(partitions.stream().map(TopicPartition::partition).toList());
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
                    record.offset(), view.getClass().getSimpleName(), e.getMessage());
            view.skipRecord(record.partition(), record.offset());
            return true;
        } catch (SchemaRegistryException e) {
            log.warn("Schema registry unavailable while reading {}, retrying: {}", topic, e.getMessage());
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
            sleepQuietly(1_000);
            return false;
        }
        view.applyRecord(record, value);
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
        log.error("The {} reader stopped: {}", view.getClass().getSimpleName(), t.toString(), t);
        failPending(t);
        catchUps.failAll(t);
        view.readerFailed(t);
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

    /** Stops the thread (waking the consumer out of its poll) and waits up to 5 s for it. */
    void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
