package dev.appcare.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts the data records written to a set of topics while it runs, per topic. It reads them as they are
 * written (read_uncommitted: aborted records count, transaction markers never reach a consumer), because
 * log offsets alone include the markers and Kafka Streams deletes repartition records once committed.
 */
final class WriteCounter implements AutoCloseable {
    private final Map<String, Long> counts = new TreeMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;

    WriteCounter(Kafka kafka, Set<String> topics) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            partitions.addAll(kafka.partitions(topic));
            counts.put(topic, 0L);
        }
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("read_uncommitted")) {
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    synchronized (counts) {
                        for (ConsumerRecord<byte[], byte[]> record : records) {
                            counts.merge(record.topic(), 1L, Long::sum);
                        }
                    }
                }
            }
        }, "write-counter");
        thread.setDaemon(true);
        thread.start();
        if (!positioned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("write counter not positioned within 60 s");
        }
    }

    Map<String, Long> counts() {
        synchronized (counts) {
            return new TreeMap<>(counts);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
