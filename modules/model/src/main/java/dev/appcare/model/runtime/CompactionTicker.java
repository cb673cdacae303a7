package dev.appcare.model.runtime;

import dev.appcare.model.Keys;
import dev.appcare.model.topics.ErasureBound;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
    private final List<String> topics;
    private final Duration interval;
    private final AtomicLong ticks = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "compaction-ticker");
        t.setDaemon(true);
        return t;
    });

    /** A ticker with its own producer, from the role's Kafka client settings (its {@code kafka.*} keys). */
    public static CompactionTicker start(Map<String, Object> clientConfig, List<String> topics, ErasureBound erasure) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "appcare-compaction-ticker");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        CompactionTicker ticker = new CompactionTicker(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
                topics, erasure.tickInterval());
        ticker.timer.scheduleWithFixedDelay(ticker::tickSafely, 0, erasure.tickInterval().toMillis(), TimeUnit.MILLISECONDS);
        return ticker;
    }

    CompactionTicker(Producer<byte[], byte[]> producer, List<String> topics, Duration interval) {
        this.producer = producer;
        this.topics = List.copyOf(topics);
        this.interval = interval;
    }

    /** Appends one tick to every partition of every topic; returns how many were sent. */
    public int tick() {
        int sent = 0;
        for (String topic : topics) {
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
            log.warn("Compaction tick on {} failed, retrying in {}: {}", topics, interval, e.toString());
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
    }
}
