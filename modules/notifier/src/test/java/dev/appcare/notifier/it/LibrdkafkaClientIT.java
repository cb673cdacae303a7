package dev.appcare.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.model.registry.SchemaRegistryClients;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.model.rules.InputRules;
import dev.appcare.notifier.streams.NotifierTopology;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract with a non-Java client: librdkafka (Debian's {@code python3-confluent-kafka}, installed by
 * {@code .ci/run}) in a Python child process ({@code src/test/python/librdkafka_client.py}).
 *
 * <p>Bookings, flight events and boarding passes of a small hub day ({@link HubDay}) are published by
 * librdkafka with its <em>default</em> partitioner ({@code consistent_random}, CRC32 of the key), which
 * puts most keys on another partition than Java's murmur2 would; the preferences come from a Java
 * producer, as the opt-in API writes them, so boarding passes must meet preferences placed by another
 * partitioner. The values are Confluent wire format, encoded here with the project's registry serializer
 * and handed over as bytes: what this test is about is who partitions and produces them. The notifier
 * runs as in production (the {@code notifier} command in a child JVM). Every expected request must come
 * out, exactly once, and the notifier's misplaced-record counter must equal what librdkafka's delivery
 * reports say it misplaced.
 * Then librdkafka reads the request topic back and decodes the framing with the writer's schema from the
 * registry.
 *
 * <p>Skipped only where {@code /usr/bin/python3} cannot import {@code confluent_kafka} and {@code avro}.
 */
@IntegrationTest
class LibrdkafkaClientIT {
    private static final Logger log = LoggerFactory.getLogger(LibrdkafkaClientIT.class);
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CLIENT = Path.of("src", "test", "python", "librdkafka_client.py").toAbsolutePath();
    private static final int PARTITIONS = 6;
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern MISPLACED = Pattern.compile(
            "^appcare_notifier_misplaced_records_total\\{[^}]*topic=\"([^\"]+)\"[^}]*} ([0-9.E]+)$", Pattern.MULTILINE);

    private static RealInfrastructure infra;
    private static TopicNames topics;
    private static HubDay day;
    private static Path work;
    private static List<ConsumerRecord<String, WhatsAppRequest>> output;
    private static List<ConsumerRecord<String, DeadLetter>> deadLetters;
    /** Per input topic: records librdkafka placed elsewhere than Java's partitioner, by its delivery reports. */
    private static Map<String, Long> misplacedByLibrdkafka;
    private static Map<String, Double> misplacedMetric;

    @BeforeAll
    static void publishADayWithLibrdkafka(RealInfrastructure infrastructure) throws Exception {
        assumeTrue(python("import confluent_kafka, avro"),
                "/usr/bin/python3 with confluent_kafka and avro (apt-get install python3-confluent-kafka python3-avro)");
        infra = infrastructure;
        String suffix = "-" + TestNames.unique("rdkafka");
        topics = Topics.withSuffix(suffix);
        KafkaIo.createTopics(infra.broker(), topics, PARTITIONS);
        day = new HubDay(20261201L, 24);
        work = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "rdkafka" + suffix));
        String applicationId = "notifier" + suffix;
        Map<String, String> config = Map.of(
                "kafka.bootstrap.servers", infra.bootstrapServers(),
                "schema.registry.url", infra.schemaRegistryUrl(),
                "notifier.application.id", applicationId,
                "notifier.topics.suffix", suffix,
                "notifier.state.dir", work.resolve("state").toString());
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", infra.schemaRegistryUrl()), false);
        Instant now = Instant.now();

        List<String> deliveries = new ArrayList<>();
        try (KafkaIo io = new KafkaIo(infra.broker(), infra.schemaRegistryUrl());
             ChildNotifier notifier = ChildNotifier.start(config, work, "notifier")) {
            // Bookings and preferences first (as in life, and as the expected requests assume), loaded now. Not stamped
            // with their booking time (that is when they were made): a dead letter keeps its input's timestamp, and one older than the dead-letter
            // topic's 30-day retention would be deleted before the test reads it.
            List<String> tables = new ArrayList<>();
            for (PassengerSegment segment : day.segmentRecords) {
                tables.add(line(serializer, topics.name(Topics.PASSENGER_SEGMENT), Keys.segmentKey(segment.getTravellerKey(),
                        segment.getFlightKey()), HubDay.isTombstone(segment) ? null : segment, now));
            }
            deliveries.addAll(produceWithLibrdkafka("tables", tables));
            // Preferences come from the opt-in API, a Java producer (murmur2), as in production: boarding passes
            // from librdkafka must still meet them.
            day.preferences.values().forEach(p -> io.send(topics.name(Topics.TRAVELLER_PREFERENCE), p.record().getTravellerKey(),
                    p.record()));
            io.flush();
            notifier.awaitHealthy(Duration.ofSeconds(60));
            KafkaIo.await("bookings and preferences processed", Duration.ofSeconds(90), () -> io.caughtUp(applicationId,
                    List.of(topics.name(Topics.PASSENGER_SEGMENT), topics.name(Topics.TRAVELLER_PREFERENCE)),
                    List.of(NotifierTopology.SEGMENTS_BY_FLIGHT, NotifierTopology.PREFERENCES_BY_TRAVELLER)));

            // Then the day's flight events and boarding passes, stamped with their event time (never ahead of now).
            List<String> events = new ArrayList<>();
            for (FlightStatusEvent event : day.flightEvents) {
                events.add(line(serializer, topics.name(Topics.FLIGHT_STATUS), event.getFlightKey(), event, earliest(event.getEventTime(), now)));
            }
            for (BoardingPassIssued pass : day.boardingPasses) {
                events.add(line(serializer, topics.name(Topics.BOARDING_PASS), pass.getTravellerKey(), pass, earliest(pass.getEventTime(), now)));
            }
            deliveries.addAll(produceWithLibrdkafka("events", events));
            KafkaIo.await("all input processed", Duration.ofSeconds(120), () -> io.caughtUp(applicationId,
                    topics.names(NotifierTopology.INPUTS), NotifierTopology.REPARTITIONS));

            output = io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, true);
            deadLetters = io.readAll(topics.name(Topics.NOTIFIER_DLQ), DeadLetter.class, true);
            misplacedMetric = misplacedCounters(notifier.metrics());
            assertThat(notifier.stop(Duration.ofSeconds(30))).isIn(0, 143);
        }
        misplacedByLibrdkafka = deliveries.stream().map(d -> d.split("\t"))
                .filter(d -> Integer.parseInt(d[2]) != BuiltInPartitioner.partitionForKey(HEX.parseHex(d[1]), PARTITIONS))
                .collect(Collectors.groupingBy(d -> d[0], TreeMap::new, Collectors.counting()));
        log.info("librdkafka delivered {} records; placed elsewhere than Java's partitioner: {}; notifier counted {}",
                deliveries.size(), misplacedByLibrdkafka, misplacedMetric);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void shouldFanOutEveryFlightAndDeliverEveryBoardingPassWhateverPartitionerWroteThem() {
        // The premise: librdkafka's default partitioner really did put records of every input it wrote elsewhere.
        assertThat(misplacedByLibrdkafka.keySet()).containsExactlyInAnyOrder(topics.name(Topics.FLIGHT_STATUS), topics.name(Topics.BOARDING_PASS),
                topics.name(Topics.PASSENGER_SEGMENT));

        List<String> ids = output.stream().map(r -> r.value().getMessageId()).toList();
        assertThat(ids).as("each messageId once").doesNotHaveDuplicates();
        assertThat(output.stream().map(r -> HubDay.Expected.of(r.key(), r.value())).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(day.expected);
        assertThat(output).hasSize(day.expected.size());
        // Every flight of the day with an expected message got its messages, boarding passes included.
        assertThat(output.stream().map(r -> r.value().getCorrelation().getFlightKey()).collect(Collectors.toSet()))
                .isEqualTo(day.expected.stream().map(HubDay.Expected::flightKey).collect(Collectors.toSet()));
        assertThat(output).filteredOn(r -> r.value().getKind() == dev.appcare.avro.MessageKind.BOARDING_PASS)
                .hasSize((int) day.expected.stream().filter(e -> e.kind() == dev.appcare.avro.MessageKind.BOARDING_PASS).count());
        assertThat(deadLetters).as("only the day's invalid preferences").hasSize(day.invalidInputs)
                .allSatisfy(r -> assertThat(r.value().getErrorType()).isEqualTo("INVALID_PREFERENCE"));
    }

    @Test
    void shouldCountEveryRecordLibrdkafkaPlacedElsewhereThanJavasPartitioner() {
        Map<String, Double> expected = new TreeMap<>();
        misplacedByLibrdkafka.forEach((topic, count) -> expected.put(topic, count.doubleValue()));

        // ... and nothing on the preference topic, written by a Java producer.
        assertThat(misplacedMetric).isEqualTo(expected).doesNotContainKey(topics.name(Topics.TRAVELLER_PREFERENCE));
    }

    @Test
    void shouldReadTheRequestTopicWithLibrdkafkaAndDecodeTheConfluentFraming() throws Exception {
        Path decoded = work.resolve("requests-read-by-librdkafka.jsonl");
        run(List.of(PYTHON.toString(), CLIENT.toString(), "consume", infra.bootstrapServers(), infra.schemaRegistryUrl(),
                topics.name(Topics.WHATSAPP_REQUEST), Integer.toString(output.size()), decoded.toString()), "consume");

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> read = new ArrayList<>();
        for (String line : Files.readAllLines(decoded, StandardCharsets.UTF_8)) {
            read.add(json.readTree(line));
        }
        int schemaId = SchemaRegistryClients.forConfig(Map.of("schema.registry.url", infra.schemaRegistryUrl()))
                .latest(topics.name(Topics.WHATSAPP_REQUEST) + "-value").id();
        assertThat(read).hasSize(output.size())
                .allSatisfy(r -> assertThat(r.get("schemaId").asInt()).isEqualTo(schemaId));
        assertThat(read.stream().map(LibrdkafkaClientIT::fields).collect(Collectors.toSet()))
                .isEqualTo(output.stream().map(r -> List.of(Integer.toString(r.partition()), Long.toString(r.offset()), r.key(),
                        r.value().getMessageId(), r.value().getRecipient(), r.value().getKind().name(),
                        r.value().getTemplateName(), r.value().getLanguage(), r.value().getCorrelation().getTravellerKey(),
                        r.value().getCorrelation().getFlightKey())).collect(Collectors.toSet()));
    }

    /**
     * The Python example of {@code docs/producers.md} ({@code docs/examples/publish_flight_status.py}) writes a
     * record that the notifier's own deserializer and input rules accept: key, framing, schema, timestamp.
     */
    @Test
    void shouldAcceptWhatTheDocumentedPythonProducerWrites() throws Exception {
        String topic = topics.name(Topics.FLIGHT_STATUS) + "-example";
        infra.broker().createTopic(topic, PARTITIONS);
        Map<String, String> serde = Map.of("schema.registry.url", infra.schemaRegistryUrl());
        // As `appcare schemas register` does for the contract's topics: the producer only looks the schema up.
        SchemaRegistryClients.forConfig(serde).register(topic + "-value", FlightStatusEvent.getClassSchema());
        Path example = Path.of("..", "..", "docs", "examples", "publish_flight_status.py").toAbsolutePath().normalize();
        Path printed = work.resolve("librdkafka-example.log");
        run(List.of(PYTHON.toString(), example.toString(), infra.bootstrapServers(), infra.schemaRegistryUrl(), topic), "example");

        String[] written = Files.readString(printed).strip().split("\t");
        AvroDeserializer<FlightStatusEvent> deserializer = new AvroDeserializer<>(FlightStatusEvent.class);
        deserializer.configure(serde, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(infra.broker().consumerProperties("example-reader"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, Integer.parseInt(written[1]));
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        FlightStatusEvent event = deserializer.deserialize(topic, record.value());
        assertThat(record.key()).isEqualTo(written[0]).isEqualTo(event.getFlightKey());
        assertThat(InputRules.flightStatus(record.key(), event)).as("accepted by the notifier's input rules").isEmpty();
        assertThat(event.getStatus()).isEqualTo(FlightStatus.SCHEDULED);
        assertThat(event.getDeparture().getGate()).isEqualTo("D7");
        assertThat(record.timestamp()).as("CreateTime = the observation time").isEqualTo(event.getEventTime().toEpochMilli());
        assertThat(event.getDeparture().getScheduled()).isAfter(event.getEventTime());
    }

    private static List<String> fields(JsonNode r) {
        return List.of(r.get("partition").asText(), r.get("offset").asText(), r.get("key").asText(),
                r.get("messageId").asText(), r.get("recipient").asText(), r.get("kind").asText(),
                r.get("templateName").asText(), r.get("language").asText(), r.get("travellerKey").asText(),
                r.get("flightKey").asText());
    }

    /** One record for the Python producer: topic, key and Confluent-framed value in hex, CreateTime in ms. */
    private static String line(AvroSerializer<SpecificRecord> serializer, String topic, String key, SpecificRecord value,
                               Instant timestamp) {
        byte[] bytes = value == null ? null : serializer.serialize(topic, value);
        return String.join("\t", topic, HEX.formatHex(key.getBytes(StandardCharsets.UTF_8)),
                bytes == null ? "-" : HEX.formatHex(bytes), Long.toString(timestamp.toEpochMilli()));
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Produces the lines with librdkafka; returns its delivery reports (topic, key hex, partition, offset). */
    private static List<String> produceWithLibrdkafka(String name, List<String> lines) throws Exception {
        Path records = work.resolve(name + ".tsv");
        Path deliveries = work.resolve(name + "-deliveries.tsv");
        Files.write(records, lines, StandardCharsets.UTF_8);
        run(List.of(PYTHON.toString(), CLIENT.toString(), "produce", infra.bootstrapServers(), records.toString(),
                deliveries.toString()), name);
        List<String> delivered = Files.readAllLines(deliveries, StandardCharsets.UTF_8);
        assertThat(delivered).as("librdkafka delivery reports").hasSize(lines.size());
        return delivered;
    }

    private static void run(List<String> command, String name) throws Exception {
        Path logFile = work.resolve("librdkafka-" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the librdkafka client did not finish within 120 s; see " + logFile);
        }
        String printed = Files.readString(logFile);
        log.info("librdkafka client ({}): {}", name, printed.strip());
        assertThat(process.exitValue()).as("librdkafka client exit status; it printed:\n" + printed).isZero();
    }

    private static boolean python(String code) {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(PYTHON.toString(), "-c", code).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private static Map<String, Double> misplacedCounters(String metrics) {
        Map<String, Double> counters = new TreeMap<>();
        Matcher matcher = MISPLACED.matcher(metrics);
        while (matcher.find()) {
            counters.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
        }
        return counters;
    }
}
