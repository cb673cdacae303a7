package dev.appcare.optin.it;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.topics.Topics;
import dev.appcare.optin.OptinApp;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the opt-in API's state costs per instance at 1 M travellers (6 partitions), with 1 and with 3
 * instances of one application, through the production {@link OptinApp} on the real broker: heap after GC,
 * the store on disk, the travellers each instance holds, the time to restore. Baseline in the same run: the
 * same records decoded into a {@code HashMap}, which is what every instance held in its heap before (the
 * whole-table view). All instances run in this one JVM, so the heap and RSS per instance are the increase
 * over the JVM without instances divided by their number. Prints figures, asserts only that every traveller
 * is held exactly once. Not part of the normal build (the name matches neither *Test nor *IT):
 *
 * <pre>
 * mvn -B -ntp -o -pl modules/optin -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=OptinStoreMemoryBenchmark [-Dbenchmark.travellers=1000000] | grep OPTIN-STATE
 * </pre>
 * Figures are recorded in docs/optin-api.md ("Memory per instance").
 */
@IntegrationTest
@Tag("benchmark")
class OptinStoreMemoryBenchmark {
    private static final int TRAVELLERS = Integer.getInteger("benchmark.travellers", 1_000_000);
    private static final int PARTITIONS = 6;

    @Test
    void measureMemoryPerInstanceWithOneAndThreeInstances(RealInfrastructure infra, @TempDir Path dir) throws Exception {
        try (OptinFixture fixture = new OptinFixture(infra, Map.of(), PARTITIONS)) {
            Map<String, Object> serde = Map.of("schema.registry.url", infra.schemaRegistryUrl());
            long started = System.nanoTime();
            fill(fixture, serde);
            System.out.printf("OPTIN-STATE written %,d preferences to %d partitions in %.1f s%n", TRAVELLERS, PARTITIONS,
                    seconds(started));

            long base = heapAfterGc();
            Map<String, TravellerPreference> wholeTable = readIntoHeap(fixture, serde);
            long heapOfMap = heapAfterGc() - base;
            System.out.printf("OPTIN-STATE baseline (whole table in a HashMap per instance, as before): %,d travellers, heap %,d MB per instance%n",
                    wholeTable.size(), heapOfMap >> 20);
            if (wholeTable.size() != TRAVELLERS) {
                throw new AssertionError("baseline read " + wholeTable.size() + " travellers");
            }
            wholeTable = null;

            measure(fixture, dir, 1);
            measure(fixture, dir, 3);
        }
    }

    private static void measure(OptinFixture fixture, Path dir, int instances) throws Exception {
        String applicationId = TestNames.unique("bench-optin-" + instances);
        long baseHeap = heapAfterGc();
        long baseRss = rss();
        long started = System.nanoTime();
        List<Path> stateDirs = new ArrayList<>();
        List<CompletableFuture<OptinApp>> starting = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            Path stateDir = dir.resolve(applicationId + "-" + i);
            stateDirs.add(stateDir);
            // Started together, so that the group forms before the partitions are restored. A partition that
            // moves away is deleted from the old instance's directory 1 s later (state.cleanup.delay.ms),
            // not 10 min later, so that the disk figures count each partition once.
            starting.add(CompletableFuture.supplyAsync(() -> fixture.startApp(Map.of("optin.application.id", applicationId,
                    "optin.state.dir", stateDir.toString(), "optin.startup.timeout", "PT15M",
                    "kafka.state.cleanup.delay.ms", "1000"))));
        }
        List<OptinApp> apps = starting.stream().map(CompletableFuture::join).toList();
        Await.until(instances + " stores RUNNING, each partition on one instance's disk", Duration.ofMinutes(10), () ->
                apps.stream().allMatch(app -> {
                    OptinFixture.Response health = fixture.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + app.managementPort() + "/health")).timeout(Duration.ofSeconds(10)).GET().build());
                    return health.status() == 200 && health.body().contains("RUNNING,");
                }) && stateDirs.stream().mapToLong(d -> taskDirectories(d.resolve(applicationId))).sum() == PARTITIONS);
        double restoreSeconds = seconds(started);
        long heapPerInstance = (heapAfterGc() - baseHeap) / instances;
        long rssPerInstance = (rss() - baseRss) / instances;
        List<Integer> held = new ArrayList<>();
        List<Long> disk = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            held.add(apps.get(i).stateSnapshot().size());
            disk.add(diskBytes(stateDirs.get(i)));
        }
        System.out.printf("OPTIN-STATE %d instance(s): restored in %.1f s; per instance: heap +%,d MB after GC, RSS +%,d MB "
                        + "(heap, RocksDB, threads), travellers held %s, store on disk %s MB%n", instances, restoreSeconds,
                heapPerInstance >> 20, rssPerInstance >> 20, held, disk.stream().map(b -> b >> 20).toList());
        if (held.stream().mapToInt(Integer::intValue).sum() != TRAVELLERS) {
            throw new AssertionError("instances hold " + held + ", not " + TRAVELLERS + " in all");
        }
        apps.forEach(OptinApp::stop);
    }

    private static void fill(OptinFixture fixture, Map<String, Object> serde) {
        Map<String, Object> p = fixture.infra.broker().producerProperties();
        p.put("linger.ms", 20);
        p.put("batch.size", 256 * 1024);
        p.put("compression.type", "lz4");
        Serializer<TravellerPreference> serializer = Topics.TRAVELLER_PREFERENCE.valueSerde(serde).serializer();
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < TRAVELLERS; i++) {
                String key = String.format("B%06d/1", i);
                // As the API writes them: opted in at booking, the booking's life ahead.
                TravellerPreference preference = TravellerPreference.newBuilder().setTravellerKey(key)
                        .setPhoneE164(String.format("+3161%07d", i)).setLocale("nl").setStatus(OptInStatus.OPTED_IN)
                        .setKinds(List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE, MessageKind.BOARDING_PASS))
                        .setConsent(ConsentEvidence.newBuilder().setGivenAt(now).setChannel("booking-web")
                                .setTextVersion("2026-01").build())
                        .setUpdatedAt(now).setValidUntil(now.plus(Duration.ofDays(30))).build();
                producer.send(new ProducerRecord<>(fixture.preferenceTopic, key, serializer.serialize(fixture.preferenceTopic, preference)));
            }
            producer.flush();
        }
    }

    /** The old way: every record of the topic decoded into a map in the heap. */
    private static Map<String, TravellerPreference> readIntoHeap(OptinFixture fixture, Map<String, Object> serde) {
        Deserializer<TravellerPreference> deserializer = Topics.TRAVELLER_PREFERENCE.valueSerde(serde).deserializer();
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.infra.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, TravellerPreference> all = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(fixture.preferenceTopic).stream()
                    .map(info -> new TopicPartition(fixture.preferenceTopic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    all.put(r.key(), deserializer.deserialize(r.topic(), r.value()));
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
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    /** Task directories ({@code 0_3}: sub-topology 0, partition 3) in an application's state directory. */
    private static long taskDirectories(Path applicationDir) {
        if (!Files.isDirectory(applicationDir)) {
            return 0;
        }
        try (Stream<Path> children = Files.list(applicationDir)) {
            return children.filter(Files::isDirectory).filter(d -> d.getFileName().toString().matches("\\d+_\\d+")).count();
        } catch (IOException e) {
            return -1; // changing under our feet: not settled
        }
    }

    private static long diskBytes(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a file RocksDB removed while walking
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
