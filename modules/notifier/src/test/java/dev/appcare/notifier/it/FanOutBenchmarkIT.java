package dev.appcare.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.model.Keys;
import dev.appcare.model.runtime.AppConfig;
import dev.appcare.notifier.NotifierApp;
import dev.appcare.notifier.NotifierTopics;
import dev.appcare.notifier.streams.NotifierTopology;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.testkit.KafkaBroker;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.RealInfrastructureExtension;
import dev.appcare.testkit.TestNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark, not a test of speed (it asserts only that every request arrived): a fan-out storm on the real
 * broker. {@code flights} flights of {@code seats} passengers each, {@code optin} of them opted in to delays,
 * get three waves of changes (a 30-minute delay, a 60-minute delay, a gate change) while the notifier runs
 * in this JVM. Each wave's requests/s is measured from the first event produced to the last request visible
 * to a read_committed consumer. The baseline, in the same run and on the same broker: the same number of
 * records of the same size produced (acks=all, idempotent) and consumed read_committed, no processing.
 *
 * <pre>
 * mvn -B -ntp -pl modules/notifier verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dnotifier.it.groups=benchmark -Dit.test=FanOutBenchmarkIT [-Dbench.flights=40 -Dbench.seats=450 -Dbench.optin=0.6]
 * </pre>
 * Results and the machine they were measured on: {@code docs/benchmarks/notifier-fanout.md}.
 */
@Tag("benchmark")
@ExtendWith(RealInfrastructureExtension.class)
class FanOutBenchmarkIT {
    private static final int PARTITIONS = 6;
    /** Today (UTC): record timestamps are the wall clock, and state is kept relative to stream time. */
    private static final LocalDate DAY = LocalDate.now(java.time.ZoneOffset.UTC);

    @Test
    void fanOutStorm(RealInfrastructure infra) throws Exception {
        int flights = Integer.getInteger("bench.flights", 40);
        int seats = Integer.getInteger("bench.seats", 450);
        double optIn = Double.parseDouble(System.getProperty("bench.optin", "0.6"));
        String suffix = "-" + TestNames.unique("bench");
        NotifierTopics topics = NotifierTopics.withSuffix(suffix);
        KafkaIo.createTopics(infra.broker(), topics, PARTITIONS);
        // Created now, not just before it is used: a producer racing a brand-new topic's metadata can get
        // NOT_LEADER errors and idempotence sequence resets, which would distort (or break) the baseline.
        String baselineTopic = "baseline" + suffix;
        infra.broker().createTopic(baselineTopic, PARTITIONS);

        List<String> flightKeys = new ArrayList<>();
        int optedIn = 0;
        try (KafkaIo io = new KafkaIo(infra.broker(), infra.schemaRegistryUrl())) {
            for (int f = 0; f < flights; f++) {
                String flightKey = "KL" + (2000 + f) + "/" + DAY + "/AMS";
                flightKeys.add(flightKey);
                for (int p = 0; p < seats; p++) {
                    String traveller = String.format("B%02d%04d/1", f, p);
                    io.send(topics.passengerSegment(), Keys.segmentKey(traveller, flightKey), PassengerSegment.newBuilder()
                            .setTravellerKey(traveller).setFlightKey(flightKey).setStatus(SegmentStatus.ACTIVE)
                            .setGivenName("Pax").setUpdatedAt(DAY.minusDays(53).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()).build());
                    if (p < Math.round(seats * optIn)) {
                        optedIn++;
                        io.send(topics.travellerPreference(), traveller, Fixtures.optedIn(traveller,
                                String.format("+3165%03d%04d", f, p), p % 3 == 0 ? "nl" : "en_GB",
                                List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE)));
                    }
                }
            }
            io.flush();

            Map<String, String> config = Map.of(
                    "kafka.bootstrap.servers", infra.bootstrapServers(),
                    "schema.registry.url", infra.schemaRegistryUrl(),
                    "notifier.application.id", "bench" + suffix,
                    "notifier.topics.suffix", suffix,
                    "notifier.state.dir", Path.of(System.getProperty("java.io.tmpdir"), "bench" + suffix).toString(),
                    "notifier.health.port", "0");
            NotifierApp app = new NotifierApp(AppConfig.of(config));
            OutputCounter output = new OutputCounter(infra.broker(), topics.whatsappRequest(), false);
            List<String> report = new ArrayList<>();
            try {
                app.start();
                KafkaIo.await("bookings and preferences processed", Duration.ofSeconds(120), () -> io.caughtUp("bench" + suffix,
                        List.of(topics.passengerSegment(), topics.travellerPreference()), List.of(NotifierTopology.SEGMENTS_BY_FLIGHT,
                                NotifierTopology.PREFERENCES_BY_TRAVELLER)));
                output.start();
                long expected = 0;
                double[] wavesPerSecond = new double[3];
                String[] waves = {"delay +30 min", "delay +60 min", "gate change"};
                for (int wave = 0; wave < 3; wave++) {
                    long start = System.nanoTime();
                    for (String flightKey : flightKeys) {
                        io.send(topics.flightStatus(), flightKey, event(flightKey, wave + 1));
                    }
                    io.flush();
                    expected += optedIn;
                    long target = expected;
                    KafkaIo.await("wave " + (wave + 1), Duration.ofSeconds(300), () -> output.count() >= target);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    wavesPerSecond[wave] = optedIn / seconds;
                    report.add(String.format("wave %d (%s): %d flight events -> %d passenger notices -> %d requests in %.2f s = %.0f requests/s",
                            wave + 1, waves[wave], flights, (long) flights * seats, optedIn, seconds, wavesPerSecond[wave]));
                }
                Thread.sleep(2000);
                assertThat(output.count()).isEqualTo(expected);
                double meanBytes = output.bytes() / (double) output.count();

                Baseline baseline = baseline(infra.broker(), baselineTopic, (int) expected, (int) Math.round(meanBytes));
                double steady = (wavesPerSecond[1] + wavesPerSecond[2]) / 2;
                report.add(String.format("baseline: %d records of %.0f bytes produced (acks=all, idempotent) and consumed (read_committed),"
                        + " median of 3 runs: %.2f s = %.0f records/s", expected, meanBytes, baseline.seconds(), baseline.perSecond()));
                report.add(String.format("ratio: notifier %.0f requests/s (waves 2-3) / baseline %.0f records/s = %.2f",
                        steady, baseline.perSecond(), steady / baseline.perSecond()));
            } finally {
                output.close();
                app.stop();
            }
            System.out.println("\n==== notifier fan-out benchmark: " + flights + " flights x " + seats + " seats, "
                    + optedIn + " opted in (" + Math.round(optIn * 100) + "%), " + PARTITIONS + " partitions, 1 stream thread, "
                    + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version() + " ====");
            report.forEach(System.out::println);
            System.out.println("====\n");
        }
    }

    private static FlightStatusEvent event(String flightKey, int wave) {
        Instant scheduled = DAY.atTime(12, 0).atZone(java.time.ZoneId.of("Europe/Amsterdam")).toInstant();
        String designator = flightKey.substring(0, flightKey.indexOf('/'));
        return FlightStatusEvent.newBuilder()
                .setEventId(flightKey + "#" + wave).setEventTime(scheduled.minus(Duration.ofHours(4)).plus(Duration.ofMinutes(wave)))
                .setSequence(wave).setFlightKey(flightKey).setCarrier("KL").setFlightNumber(designator.substring(2))
                .setOriginDate(DAY)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam").setScheduled(scheduled)
                        .setEstimated(scheduled.plus(Duration.ofMinutes(wave == 1 ? 30 : 60)))
                        .setGate(wave == 3 ? "D7" : null).build())
                .setArrival(Fixtures.leg("JFK", "America/New_York", scheduled.plus(Duration.ofHours(8))))
                .setStatus(FlightStatus.DELAYED)
                .build();
    }

    record Baseline(double seconds, double perSecond) {
    }

    /**
     * The same number of records of the same size through the same broker, with no processing in between:
     * produced, then counted by a read_committed consumer. Three runs on the same topic; the median counts.
     */
    private static Baseline baseline(KafkaBroker broker, String topic, int records, int size) throws Exception {
        byte[] value = new byte[size];
        Map<String, Object> producerProps = broker.producerProperties();
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        List<Double> runs = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
            for (int run = 0; run < 3; run++) {
                OutputCounter counter = new OutputCounter(broker, topic, true);
                counter.start();
                long start = System.nanoTime();
                try {
                    for (int i = 0; i < records; i++) {
                        producer.send(new ProducerRecord<>(topic, String.format("+316%08d", i), value));
                    }
                    producer.flush();
                    KafkaIo.await("baseline", Duration.ofSeconds(120), () -> counter.count() >= records);
                } finally {
                    counter.close();
                }
                runs.add((System.nanoTime() - start) / 1e9);
            }
        }
        double median = runs.stream().sorted().toList().get(1);
        return new Baseline(median, records / median);
    }

    /** Counts a topic's committed records as they arrive (all of them, or only those after {@link #start}). */
    private static final class OutputCounter implements AutoCloseable {
        private final java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        OutputCounter(KafkaBroker broker, String topic, boolean onlyNew) {
            Map<String, Object> props = broker.consumerProperties("counter-" + System.nanoTime());
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            this.thread = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                    consumer.assign(partitions);
                    if (onlyNew) {
                        consumer.seekToEnd(partitions);
                    } else {
                        consumer.seekToBeginning(partitions);
                    }
                    partitions.forEach(consumer::position);
                    positioned.countDown();
                    while (running.get()) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                            count.incrementAndGet();
                            bytes.addAndGet(record.value().length);
                        }
                    }
                }
            }, "output-counter");
        }

        void start() throws InterruptedException {
            thread.start();
            positioned.await(30, TimeUnit.SECONDS);
        }

        long count() {
            return count.get();
        }

        long bytes() {
            return bytes.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
