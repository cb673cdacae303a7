package dev.appcare.sender;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.runtime.AppConfig;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.it.SenderHarness;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import dev.appcare.sender.state.StateStores;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the sender's state costs at 1 M travellers and 1 M ledger entries (6 partitions each): heap, native
 * memory (RSS), disk, and the restore time, through the production classes ({@link PreferenceView},
 * {@link SendLedger}, {@link StateStores}) on the real broker. Baseline in the same run: the same records
 * decoded into {@code HashMap}s, which is what the views held in the heap before. Prints figures, asserts
 * nothing about them. Not part of the normal build (the name matches neither *Test nor *IT):
 *
 * <pre>
 * mvn -B -ntp -pl modules/sender -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=StateRestoreBenchmark | grep STATE
 * </pre>
 * Figures are recorded in {@code docs/sender.md} ("State bounded by ownership").
 */
@IntegrationTest
@Tag("benchmark")
class StateRestoreBenchmark {
    private static final int TRAVELLERS = Integer.getInteger("benchmark.travellers", 1_000_000);
    private static final int LEDGER_ENTRIES = Integer.getInteger("benchmark.ledger.entries", 1_000_000);
    private static final int PARTITIONS = 6;

    @Test
    void measureHeapDiskAndRestoreTimeOfTheSendersState(RealInfrastructure infra, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        try (SenderHarness h = new SenderHarness(infra, PARTITIONS)) {
            long written = System.nanoTime();
            fill(h);
            System.out.printf("STATE written %,d preferences and %,d ledger entries in %.1f s%n", TRAVELLERS,
                    LEDGER_ENTRIES, (System.nanoTime() - written) / 1e9);
            SenderConfig config = SenderConfig.from(AppConfig.of(h.senderSettings(Map.of())));
            SenderClients clients = new SenderClients(config);

            long baseHeap = heapAfterGc();
            Map<String, Object> inHeap = readIntoHeap(h, clients);
            long heapOfMaps = heapAfterGc() - baseHeap;
            System.out.printf("STATE baseline (whole topics in HashMaps, as before): %,d objects, heap %,d MB%n",
                    inHeap.size(), heapOfMaps >> 20);
            inHeap.clear();
            baseHeap = heapAfterGc();
            long baseRss = rssBytes();

            try (StateStores stores = new StateStores(dir, "benchmark", config.state().memoryBytes());
                 RecordWriter writer = new RecordWriter(new KafkaProducer<>(clients.producerProperties("bench"),
                         new StringSerializer(), new ByteArraySerializer()), h.topics, h.serde);
                 PreferenceView preferences = new PreferenceView(h.topics.name(Topics.TRAVELLER_PREFERENCE), clients.viewConsumer("bench-prefs"),
                         Topics.TRAVELLER_PREFERENCE.valueSerde(h.serde).deserializer(), writer, stores);
                 SendLedger ledger = new SendLedger(h.topics.name(Topics.SENDER_LEDGER), clients.viewConsumer("bench-ledger"),
                         Topics.SENDER_LEDGER.valueSerde(h.serde).deserializer(), writer, stores)) {
                long started = System.nanoTime();
                preferences.start();
                preferences.catchUp().get(10, TimeUnit.MINUTES);
                double preferenceSeconds = (System.nanoTime() - started) / 1e9;

                ledger.start();
                ledger.catchUp().get(1, TimeUnit.MINUTES);
                started = System.nanoTime();
                ledger.assign(List.of(0, 1)).get(10, TimeUnit.MINUTES);
                double shareSeconds = (System.nanoTime() - started) / 1e9;
                int shareEntries = ledger.size();
                started = System.nanoTime();
                ledger.assign(IntStream.range(0, PARTITIONS).boxed().toList()).get(10, TimeUnit.MINUTES);
                double restOfLedgerSeconds = (System.nanoTime() - started) / 1e9;

                long heap = heapAfterGc() - baseHeap;
                long rss = rssBytes() - baseRss;
                System.out.printf("STATE preferences: %,d travellers restored in %.1f s%n", preferences.travellerCount(),
                        preferenceSeconds);
                System.out.printf("STATE ledger: 2 of %d partitions (%,d entries) restored in %.1f s; all %d (%,d "
                        + "entries) after %.1f s more%n", PARTITIONS, shareEntries, shareSeconds, PARTITIONS,
                        ledger.size(), restOfLedgerSeconds);
                System.out.printf("STATE with both held: heap +%,d MB over the empty views, RSS +%,d MB (RocksDB "
                        + "cache and memtables capped at %d MB), disk %,d MB in %s%n", heap >> 20, rss >> 20,
                        config.state().memoryBytes() >> 20, stores.diskBytes() >> 20, stores.dir());
                if (preferences.travellerCount() != TRAVELLERS || ledger.size() != LEDGER_ENTRIES) {
                    throw new AssertionError("restored " + preferences.travellerCount() + " travellers and "
                            + ledger.size() + " ledger entries");
                }
                started = System.nanoTime();
                ledger.release(List.of(2, 3, 4, 5)).get(1, TimeUnit.MINUTES);
                System.out.printf("STATE released 4 ledger partitions in %.2f s: %,d entries left, disk %,d MB%n",
                        (System.nanoTime() - started) / 1e9, ledger.size(), stores.diskBytes() >> 20);
            }
        }
    }

    private static void fill(SenderHarness h) throws Exception {
        Map<String, Object> p = h.infra.broker().producerProperties();
        p.put("linger.ms", 20);
        p.put("batch.size", 256 * 1024);
        p.put("compression.type", "lz4");
        Serializer<TravellerPreference> preferences = Topics.TRAVELLER_PREFERENCE.valueSerde(h.serde).serializer();
        Serializer<SendLedgerEntry> ledger = Topics.SENDER_LEDGER.valueSerde(h.serde).serializer();
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < TRAVELLERS; i++) {
                String key = String.format("B%06d/1", i);
                TravellerPreference preference = TravellerPreference.newBuilder().setTravellerKey(key)
                        .setPhoneE164(String.format("+3161%07d", i)).setLocale("nl").setStatus(OptInStatus.OPTED_IN)
                        .setKinds(List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE, MessageKind.BOARDING_PASS))
                        .setConsent(ConsentEvidence.newBuilder().setGivenAt(now).setChannel("booking-web")
                                .setTextVersion("2026-01").build())
                        .setUpdatedAt(now).setValidUntil(now.plus(Duration.ofDays(30))).build();
                producer.send(new ProducerRecord<>(h.topics.name(Topics.TRAVELLER_PREFERENCE), key,
                        preferences.serialize(h.topics.name(Topics.TRAVELLER_PREFERENCE), preference)));
            }
            for (int i = 0; i < LEDGER_ENTRIES; i++) {
                String id = String.format("delay-KL%04d-2026-12-02-AMS-%06d", i % 5000, i);
                SendLedgerEntry entry = LedgerEntries.entry(id, LedgerState.ACCEPTED, now.toEpochMilli(),
                        "wamid.HBgLMzE2" + String.format("%020d", i), now.plus(Duration.ofHours(12)).toEpochMilli());
                producer.send(new ProducerRecord<>(h.topics.name(Topics.SENDER_LEDGER), i % PARTITIONS, id,
                        ledger.serialize(h.topics.name(Topics.SENDER_LEDGER), entry)));
            }
            producer.flush();
        }
    }

    /** The old way: every record of both topics decoded into a map in the heap. */
    private static Map<String, Object> readIntoHeap(SenderHarness h, SenderClients clients) {
        Map<String, Object> all = new HashMap<>();
        for (String topic : List.of(h.topics.name(Topics.TRAVELLER_PREFERENCE), h.topics.name(Topics.SENDER_LEDGER))) {
            var deserializer = topic.equals(h.topics.name(Topics.SENDER_LEDGER))
                    ? Topics.SENDER_LEDGER.valueSerde(h.serde).deserializer()
                    : Topics.TRAVELLER_PREFERENCE.valueSerde(h.serde).deserializer();
            try (KafkaConsumer<String, byte[]> consumer = clients.viewConsumer("bench-heap")) {
                List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                        .mapToObj(i -> new TopicPartition(topic, i)).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        all.put(topic + r.key(), deserializer.deserialize(topic, r.value()));
                    }
                }
            }
        }
        return all;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size of this JVM (heap, RocksDB's native memory, everything), from /proc. */
    private static long rssBytes() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
