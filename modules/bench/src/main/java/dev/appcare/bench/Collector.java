package dev.appcare.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic read_committed from its current end, as the sender would, and keeps for every record the
 * wall-clock time it became visible here and its record timestamp. The notifier's requests carry the flight
 * event's timestamp (Kafka Streams keeps it through both repartitions), and the driver's producer stamps each
 * event when it sends it, so visible-time minus timestamp is the event-to-request latency, commits included.
 */
final class Collector implements AutoCloseable {
    record Seen(long visibleMs, long timestampMs, int bytes) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;

    Collector(Kafka kafka, String topic) throws Exception {
        List<TopicPartition> partitions = kafka.partitions(topic);
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("read_committed")) {
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(20));
                    long now = System.currentTimeMillis();
                    synchronized (seen) {
                        for (ConsumerRecord<byte[], byte[]> record : records) {
                            seen.add(new Seen(now, record.timestamp(), record.value() == null ? 0 : record.value().length));
                        }
                    }
                }
            }
        }, "collector-" + topic);
        thread.setDaemon(true);
        thread.start();
        if (!positioned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("collector on " + topic + " not positioned within 60 s");
        }
    }

    int count() {
        synchronized (seen) {
            return seen.size();
        }
    }

    List<Seen> since(int index) {
        synchronized (seen) {
            return new ArrayList<>(seen.subList(index, seen.size()));
        }
    }

    /**
     * Waits until at least {@code atLeast} records arrived after index {@code from} and then none for
     * {@code quiet} (the notifier commits every 100 ms: a quiet second means the wave is done), or the deadline.
     */
    int awaitQuiet(int from, int atLeast, Duration quiet, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        int last = count();
        long lastChange = System.nanoTime();
        while (System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(50); // a polling interval, not a wait for a result
            int now = count();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (now - from >= atLeast && System.nanoTime() - lastChange >= quiet.toNanos()) {
                break;
            }
        }
        return count() - from;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
