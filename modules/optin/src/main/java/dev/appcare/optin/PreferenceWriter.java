package dev.appcare.optin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the opt-in API's records with one transactional (so idempotent, {@code acks=all}) producer.
 * Each {@linkplain #write write} is a group of records that must land together or not at all — a new
 * opt-in and its confirmation request — and its future completes only once the transaction that holds
 * it is committed, i.e. durable and visible to read_committed readers.
 *
 * <p>A producer runs one transaction at a time, so concurrent writes are grouped: one thread takes
 * whatever writes are waiting (up to {@value #MAX_WRITES_PER_TRANSACTION}) and commits them in one
 * transaction. Under load this costs one commit per group rather than per request; alone, a write
 * is committed at once. If a transaction fails, every write in it fails (and nothing of it is visible);
 * callers answer 503 and the client's retry is safe because the API's writes are idempotent.
 *
 * <p>Values arrive already serialized, so a record that cannot be serialized fails its own request
 * before it gets here and cannot spoil a group.
 */
final class PreferenceWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PreferenceWriter.class);
    static final int MAX_WRITES_PER_TRANSACTION = 100;
    private static final int QUEUE_CAPACITY = 1_000;

    /** Records to commit together; completes with the metadata of the first record once committed. */
    private record Write(List<ProducerRecord<String, byte[]>> records, CompletableFuture<RecordMetadata> done) {
    }

    private final Map<String, Object> producerConfig;
    private final BlockingQueue<Write> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Counter commits;
    private final Counter failedTransactions;
    private final DistributionSummary writesPerTransaction;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String problem = "starting";
    private KafkaProducer<String, byte[]> producer; // only touched by the writer thread after start()
    private long lastRecreateAttempt;
    private static final Duration RECREATE_BACKOFF = Duration.ofSeconds(5);

    /**
     * @param clientConfig    bootstrap servers and any other client settings
     * @param transactionalId unique per instance and stable across its restarts, so that a restarted
     *                        instance fences its own zombie
     */
    PreferenceWriter(Map<String, Object> clientConfig, String transactionalId, Duration timeout, MeterRegistry metrics) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, transactionalId + "-writer");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Give up on a transaction in about the time a caller waits for it, rather than the 60 s defaults.
        int ms = (int) Math.max(1_000, timeout.toMillis());
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms + 1);
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Math.max(ms * 3, 10_000));
        this.producerConfig = config;
        this.commits = Counter.builder("appcare.optin.transactions").tag("result", "committed")
                .description("Transactions of the opt-in API's writer").register(metrics);
        this.failedTransactions = Counter.builder("appcare.optin.transactions").tag("result", "failed")
                .description("Transactions of the opt-in API's writer").register(metrics);
        this.writesPerTransaction = DistributionSummary.builder("appcare.optin.transaction.writes")
                .description("Requests grouped into one transaction").register(metrics);
        this.thread = new Thread(this::run, "optin-preference-writer");
        this.thread.setDaemon(true);
    }

    /** Creates the producer and initialises its transactions (fencing an earlier instance with the same id). */
    void start() {
        producer = newProducer();
        problem = null;
        thread.start();
    }

    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        try {
            p.initTransactions();
            return p;
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Queues records to be committed together. The future completes with the first record's metadata
     * once committed, or exceptionally if the transaction failed or the writer is full or stopping.
     */
    CompletableFuture<RecordMetadata> write(List<ProducerRecord<String, byte[]>> records) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new IllegalStateException("the writer is shutting down"));
        } else if (!queue.offer(new Write(List.copyOf(records), done))) {
            done.completeExceptionally(new IllegalStateException("too many writes waiting (" + QUEUE_CAPACITY + ")"));
        }
        return done;
    }

    private void run() {
        List<Write> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Write first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    recreateIfIdleWithoutProducer();
                    continue;
                }
                group.clear();
                group.add(first);
                queue.drainTo(group, MAX_WRITES_PER_TRANSACTION - 1);
                commit(group);
            } catch (InterruptedException e) {
                break;
            }
        }
        Write left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("the writer stopped"));
        }
    }

    private void commit(List<Write> group) {
        try {
            if (producer == null) {
                producer = newProducer();
            }
            producer.beginTransaction();
            List<Future<RecordMetadata>> firsts = new ArrayList<>(group.size());
            for (Write write : group) {
                Future<RecordMetadata> first = null;
                for (ProducerRecord<String, byte[]> record : write.records()) {
                    Future<RecordMetadata> sent = producer.send(record);
                    first = first == null ? sent : first;
                }
                firsts.add(first);
            }
            producer.commitTransaction();
            commits.increment();
            writesPerTransaction.record(group.size());
            problem = null;
            for (int i = 0; i < group.size(); i++) {
                // Committed, so every send has completed.
                group.get(i).done().complete(firsts.get(i).get());
            }
        } catch (Exception e) {
            failedTransactions.increment();
            log.warn("A transaction of {} write(s) failed and was rolled back: {}", group.size(), e.toString());
            abortOrReset();
            group.forEach(w -> w.done().completeExceptionally(e));
        }
    }

    /** So that health recovers without waiting for a write to try again. */
    private void recreateIfIdleWithoutProducer() {
        if (producer != null || !running || System.nanoTime() - lastRecreateAttempt < RECREATE_BACKOFF.toNanos()) {
            return;
        }
        lastRecreateAttempt = System.nanoTime();
        try {
            producer = newProducer();
            problem = null;
            log.info("Transactional producer re-created");
        } catch (RuntimeException e) {
            problem = "no producer: " + e;
        }
    }

    /** Aborts the open transaction; a producer that cannot abort is replaced on the next write. */
    private void abortOrReset() {
        if (producer == null) {
            problem = "no producer: it could not be created or initialised";
            return;
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException abortFailed) {
            problem = "producer replaced after an error: " + abortFailed;
            log.warn("Closing the producer, which cannot abort ({}); a new one is created for the next write",
                    abortFailed.toString());
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    /** Why the writer may not be able to write, or empty when it is fine. */
    Optional<String> problem() {
        return Optional.ofNullable(running ? problem : "stopped");
    }

    /** Commits what is queued, fails nothing already accepted if it can help it, and closes the producer. */
    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            try {
                thread.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
