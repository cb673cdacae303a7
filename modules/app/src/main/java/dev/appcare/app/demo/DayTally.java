package dev.appcare.app.demo;

import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.topics.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the day put on the topics, read back from them (read_committed) while the demo runs: the
 * dashboard's counts and the summary's. Every request is followed by its message id to the sender's
 * decision about it (accepted, dropped with a reason, dead-lettered), so the summary can check that the
 * numbers add up.
 */
public final class DayTally implements AutoCloseable {
    /** The sender's statuses that say it dropped a request, and why. */
    static final Set<DeliveryState> DROPS = EnumSet.of(DeliveryState.EXPIRED, DeliveryState.SUPERSEDED,
            DeliveryState.OPTED_OUT, DeliveryState.DUPLICATE);

    /** What is known about one message id. */
    static final class Fate {
        String kind;
        boolean original;
        int replays;
        boolean accepted;
        DeliveryState drop;
        boolean deadLettered;
        boolean delivered;
        boolean read;
        boolean failed;
        boolean inDoubt;
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<WhatsAppRequest> requests;
    private final AvroDeserializer<DeliveryStatus> statuses;
    private final AvroDeserializer<DeadLetter> deadLetters;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile RuntimeException failure;

    // Guarded by this.
    private final Map<String, Fate> fates = new HashMap<>();
    private final Map<String, Long> eventsByTopic = new TreeMap<>();
    private final Map<String, Long> requestsByKind = new TreeMap<>();
    private long replayRecords;
    private long deadLetterRecords;
    private final java.util.Set<String> deadLetterIds = new java.util.HashSet<>();
    private long acceptedStatuses;
    private final ArrayDeque<long[]> acceptedSamples = new ArrayDeque<>();

    public DayTally(String bootstrapServers, String registryUrl) {
        Map<String, Object> serde = Map.of("schema.registry.url", registryUrl,
                dev.appcare.model.registry.RegistryClientConfig.REQUEST_TIMEOUT_MS, "60000");
        requests = new AvroDeserializer<>(WhatsAppRequest.class);
        requests.configure(serde, false);
        statuses = new AvroDeserializer<>(DeliveryStatus.class);
        statuses.configure(serde, false);
        deadLetters = new AvroDeserializer<>(DeadLetter.class);
        deadLetters.configure(serde, false);
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers, "isolation.level", "read_committed",
                "enable.auto.commit", "false", "client.id", "appcare-demo-tally"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<String> topics = List.of(Topics.FLIGHT_STATUS.name(), Topics.BOARDING_PASS.name(), Topics.WHATSAPP_REQUEST.name(),
                Topics.WHATSAPP_STATUS.name(), Topics.WHATSAPP_REQUEST_DLQ.name());
        List<TopicPartition> partitions = topics.stream().flatMap(t -> consumer.partitionsFor(t).stream()
                .map(p -> new TopicPartition(t, p.partition()))).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "appcare-demo-tally");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(200));
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        take(r);
                    }
                    sample();
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(Topics.FLIGHT_STATUS.name()) || topic.equals(Topics.BOARDING_PASS.name())) {
            eventsByTopic.merge(topic, 1L, Long::sum);
        } else if (topic.equals(Topics.WHATSAPP_REQUEST.name())) {
            WhatsAppRequest q = requests.deserialize(topic, r.value());
            Fate f = fates.computeIfAbsent(q.getMessageId(), k -> new Fate());
            f.kind = q.getKind().name();
            if (r.headers().lastHeader(Replay.HEADER) != null) {
                f.replays++;
                replayRecords++;
            } else if (!f.original) {
                f.original = true;
                requestsByKind.merge(f.kind, 1L, Long::sum);
            }
        } else if (topic.equals(Topics.WHATSAPP_STATUS.name())) {
            DeliveryStatus s = statuses.deserialize(topic, r.value());
            Fate f = fates.computeIfAbsent(s.getMessageId(), k -> new Fate());
            switch (s.getStatus()) {
                case ACCEPTED -> {
                    acceptedStatuses++;
                    f.accepted = true;
                }
                case DELIVERED -> f.delivered = true;
                case READ -> f.read = true;
                case FAILED -> f.failed = true;
                case DEAD_LETTERED -> f.deadLettered = true;
                case UNKNOWN -> f.inDoubt = true; // the sender's "in doubt" report (S4): a call whose answer was lost
                default -> {
                    if (DROPS.contains(s.getStatus())) {
                        f.drop = s.getStatus();
                    }
                }
            }
        } else if (topic.equals(Topics.WHATSAPP_REQUEST_DLQ.name())) {
            DeadLetter d = deadLetters.deserialize(topic, r.value());
            deadLetterRecords++;
            if (d.getMessageId() != null) {
                deadLetterIds.add(d.getMessageId());
            }
        }
    }

    /** One sample a second of the accepted count, for the sender's rate over the last 5 s. */
    private void sample() {
        long now = System.nanoTime();
        if (acceptedSamples.isEmpty() || now - acceptedSamples.peekLast()[0] >= 1_000_000_000L) {
            acceptedSamples.addLast(new long[]{now, acceptedStatuses});
            while (acceptedSamples.size() > 6) {
                acceptedSamples.removeFirst();
            }
        }
    }

    /** The counts as of now. */
    public synchronized Counts counts() {
        if (failure != null) {
            throw new IllegalStateException("reading the topics failed", failure);
        }
        Map<String, Map<String, Long>> byKind = new TreeMap<>();
        Map<String, Long> suppressed = new TreeMap<>();
        long inDoubt = 0;
        long accepted = 0, afterRedrive = 0, deadNow = 0, undecided = 0, delivered = 0, read = 0, failed = 0;
        long originals = 0, deadLettered = 0, redriven = 0, acceptedIds = 0;
        for (Fate f : fates.values()) {
            if (f.accepted) {
                acceptedIds++;
            }
            if (!f.original) {
                continue; // a status of a request not (yet) read, or a replay of one we never saw
            }
            originals++;
            Map<String, Long> k = byKind.computeIfAbsent(f.kind, x -> new TreeMap<>());
            k.merge("requested", 1L, Long::sum);
            if (f.deadLettered) {
                deadLettered++;
            }
            if (f.replays > 0) {
                redriven++;
            }
            if (f.accepted) {
                accepted++;
                k.merge("accepted", 1L, Long::sum);
                if (f.deadLettered) { // accepted after it was dead-lettered: only a redrive sends it again
                    afterRedrive++;
                }
            } else if (f.drop != null) {
                suppressed.merge(f.drop.name(), 1L, Long::sum);
                k.merge("suppressed", 1L, Long::sum);
            } else if (f.deadLettered) {
                deadNow++;
                k.merge("dead", 1L, Long::sum);
            } else if (f.inDoubt) {
                inDoubt++;
                k.merge("in doubt", 1L, Long::sum);
            } else {
                undecided++;
            }
            if (f.delivered || f.read) {
                delivered++;
                k.merge("delivered", 1L, Long::sum);
            }
            if (f.read) {
                read++;
                k.merge("read", 1L, Long::sum);
            }
            if (f.failed) {
                failed++;
                k.merge("failed", 1L, Long::sum);
            }
        }
        double rate = 0;
        if (acceptedSamples.size() >= 2) {
            long[] first = acceptedSamples.peekFirst(), last = acceptedSamples.peekLast();
            rate = (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
        }
        return new Counts(Map.copyOf(eventsByTopic), Map.copyOf(requestsByKind), originals, accepted, afterRedrive,
                Map.copyOf(suppressed), deadLettered, deadNow, redriven, replayRecords, inDoubt, undecided, delivered, read, failed,
                deadLetterRecords, deadLetterIds.size(), acceptedStatuses, acceptedIds, rate, Map.copyOf(byKind));
    }

    /** The message ids accepted so far (for checking against the simulator's record). */
    public synchronized Set<String> acceptedIds() {
        Set<String> ids = new java.util.HashSet<>();
        fates.forEach((id, f) -> {
            if (f.accepted) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** The message ids the sender reported in doubt at some point. */
    public synchronized Set<String> inDoubtIds() {
        Set<String> ids = new java.util.HashSet<>();
        fates.forEach((id, f) -> {
            if (f.inDoubt) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * @param events            records on the two event topics, by topic
     * @param requests          the requests (distinct message ids, replays not counted again)
     * @param accepted          requests WhatsApp accepted (at the first try or after a redrive)
     * @param acceptedAfterRedrive of those, accepted only after ops redrove them
     * @param suppressed        requests the sender dropped, by the status saying why
     * @param deadLettered      requests that were dead-lettered at some point
     * @param deadNow           dead-lettered and neither accepted nor dropped since
     * @param redriven          requests replayed by ops redrive
     * @param inDoubt           requests the sender reported in doubt (S4: a call whose answer was lost, not resent)
     * @param undecided         requests with no decision of the sender yet
     * @param delivered         accepted requests WhatsApp reported delivered (or read)
     */
    public record Counts(Map<String, Long> events, Map<String, Long> requestsByKind, long requests, long accepted,
                         long acceptedAfterRedrive, Map<String, Long> suppressed, long deadLettered, long deadNow,
                         long redriven, long replayRecords, long inDoubt, long undecided, long delivered, long read, long failed,
                         long deadLetterRecords, long deadLetterIds, long acceptedStatuses, long acceptedIds,
                         double acceptedPerSecond, Map<String, Map<String, Long>> byKind) {
        public long eventsTotal() {
            return events.values().stream().mapToLong(Long::longValue).sum();
        }

        public long suppressedTotal() {
            return suppressed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
