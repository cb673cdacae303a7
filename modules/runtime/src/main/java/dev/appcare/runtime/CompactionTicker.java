package dev.appcare.runtime;

import dev.appcare.model.Keys;
import dev.appcare.model.topics.ErasureBound;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the {@link ErasureBound} true on quiet partitions. The broker never cleans a compacted topic's
 * active segment and rolls a segment only when a record is appended, so an erasure tombstone on a partition
 * nobody writes to again would keep the erased record readable for ever. Every {@link ErasureBound#tickInterval()}
 * this appends one tombstone keyed {@link Keys#COMPACTION_TICK} to every partition of its topics; the tombstone
 * rolls a segment older than {@code segment.ms} and, read by the notifier, deletes nothing from its
 * preference store and so rolls that store's changelog partition too. The ticks themselves are compacted
 * away like any tombstone. Several instances ticking is harmless (a few bytes per partition per interval).
 */
public final class CompactionTicker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactionTicker.class);
    private static final byte[] KEY = Keys.COMPACTION_TICK.getBytes(StandardCharsets.UTF_8);

    private final Producer<byte[], byte[]> producer;
    private final Supplier<List<String>> topics;
    private final AutoCloseable resources;
    private final Duration interval;
    private final AtomicLong ticks = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "compaction-ticker");
        t.setDaemon(true);
        return t;
    });

    /** A ticker with its own producer, from the role's Kafka client settings (its {@code kafka.*} keys). */
    public static CompactionTicker start(Map<String, Object> clientConfig, List<String> topics, ErasureBound erasure) {
        List<String> fixed = List.copyOf(topics);
        return start(producer(clientConfig), () -> fixed, () -> { }, erasure);
    }

    /**
     * A ticker for the compacted topics whose names start with {@code prefix} and end with {@code suffix},
     * listed again at every tick: the notifier's changelogs ({@code <application.id>-...-changelog}), which
     * Kafka Streams creates when it first runs. An application owns its changelogs, and a tombstone keyed
     * {@link Keys#COMPACTION_TICK} restores as the deletion of a key no store has.
     */
    public static CompactionTicker startForPrefix(Map<String, Object> clientConfig, String prefix, String suffix, ErasureBound erasure) {
        Map<String, Object> adminConfig = new HashMap<>(clientConfig);
        adminConfig.keySet().retainAll(AdminClientConfig.configNames());
        Admin admin = Admin.create(adminConfig);
        Supplier<List<String>> topics = () -> {
            try {
                return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                        .filter(t -> t.startsWith(prefix) && t.endsWith(suffix)).sorted().toList();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot list topics: " + e, e);
            }
        };
        return start(producer(clientConfig), topics, admin, erasure);
    }

    private static CompactionTicker start(Producer<byte[], byte[]> producer, Supplier<List<String>> topics, AutoCloseable resources,
                                          ErasureBound erasure) {
        CompactionTicker ticker = new CompactionTicker(producer, topics, resources, erasure.tickInterval());
        // The first tick one interval after start: a partition written since the last tick needs none, and a
        // short-lived process (a test, a tool) adds nothing to the topic.
        long interval = erasure.tickInterval().toMillis();
        ticker.timer.scheduleWithFixedDelay(ticker::tickSafely, interval, interval, TimeUnit.MILLISECONDS);
        return ticker;
    }

    private static Producer<byte[], byte[]> producer(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.keySet().retainAll(ProducerConfig.configNames());
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "appcare-compaction-ticker");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    CompactionTicker(Producer<byte[], byte[]> producer, Supplier<List<String>> topics, AutoCloseable resources, Duration interval) {
        this.producer = producer;
        this.topics = topics;
        this.resources = resources;
        this.interval = interval;
    }

    /** Appends one tick to every partition of every topic; returns how many were sent. */
    public int tick() {
        int sent = 0;
        for (String topic : topics.get()) {
            for (PartitionInfo partition : producer.partitionsFor(topic)) {
                producer.send(new ProducerRecord<>(topic, partition.partition(), KEY, null));
                sent++;
            }
        }
        producer.flush();
        ticks.incrementAndGet();
        return sent;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            // Kafka down: the next interval tries again; erasures wait for the next roll, nothing is lost.
            log.warn("Compaction tick failed, retrying in {}: {}", interval, e.toString());
        }
    }

    /** How many rounds have completed. */
    public long ticks() {
        return ticks.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        producer.close(Duration.ofSeconds(5));
        try {
            resources.close();
        } catch (Exception e) {
            log.warn("Closing the ticker's admin client failed: {}", e.toString());
        }
    }
}
