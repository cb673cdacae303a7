package dev.appcare.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.model.Samples;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The project's serdes on a real broker and a real Confluent-API registry speak Confluent's wire format. */
@IntegrationTest
class WireFormatIT {

    @Test
    void shouldRoundTripAFlightStatusEventThroughTheRealBrokerAndRegistry(RealInfrastructure infra) throws Exception {
        String topic = Topics.FLIGHT_STATUS.name() + "-" + System.nanoTime();
        infra.broker().createTopic(topic, 1);
        FlightStatusEvent sent = Samples.kl1234Delayed();
        Map<String, Object> serde = Map.of("schema.registry.url", infra.registry().url());

        try (KafkaProducer<String, FlightStatusEvent> producer = new KafkaProducer<>(producerConfig(infra),
                new StringSerializer(), serializer(serde))) {
            producer.send(new ProducerRecord<>(topic, sent.getFlightKey(), sent)).get();
        }

        AvroDeserializer<FlightStatusEvent> deserializer = new AvroDeserializer<>(FlightStatusEvent.class);
        deserializer.configure(serde, false);
        try (KafkaConsumer<String, FlightStatusEvent> consumer = new KafkaConsumer<>(consumerConfig(infra),
                new StringDeserializer(), deserializer)) {
            List<ConsumerRecord<String, FlightStatusEvent>> received = readAll(consumer, topic, 1);
            assertThat(received).hasSize(1);
            assertThat(received.get(0).key()).isEqualTo("KL1234/2026-11-23/AMS");
            assertThat(received.get(0).value()).isEqualTo(sent);
        }
    }

    @Test
    void shouldBeReadableWithPlainHttpAndPlainAvro(RealInfrastructure infra) throws Exception {
        String topic = Topics.FLIGHT_STATUS.name() + "-plain-" + System.nanoTime();
        infra.broker().createTopic(topic, 1);
        FlightStatusEvent sent = Samples.kl1234Delayed();
        try (KafkaProducer<String, FlightStatusEvent> producer = new KafkaProducer<>(producerConfig(infra),
                new StringSerializer(), serializer(Map.of("schema.registry.url", infra.registry().url())))) {
            producer.send(new ProducerRecord<>(topic, sent.getFlightKey(), sent)).get();
        }
        byte[] bytes;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(infra),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            bytes = readAll(consumer, topic, 1).get(0).value();
        }

        // Confluent wire format, read by hand: magic byte, 4-byte big-endian schema id, Avro binary.
        assertThat(bytes[0]).isZero();
        int schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(infra.registry().url() + "/schemas/ids/" + schemaId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Schema writer = new Schema.Parser().parse(new ObjectMapper().readTree(response.body()).get("schema").asText());
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(writer.getFullName()).isEqualTo("dev.appcare.avro.FlightStatusEvent");
        assertThat(decoded.get("flightKey").toString()).isEqualTo("KL1234/2026-11-23/AMS");
        assertThat(decoded.get("sequence")).isEqualTo(7L);
        assertThat(decoded.get("status").toString()).isEqualTo("DELAYED");
        assertThat(decoded.get("eventTime")).isEqualTo(Instant.parse("2026-11-23T07:41:12.345Z").toEpochMilli());
        assertThat(decoded.get("originDate")).isEqualTo((int) LocalDate.of(2026, 11, 23).toEpochDay());
        GenericRecord departure = (GenericRecord) decoded.get("departure");
        assertThat(departure.get("gate").toString()).isEqualTo("D7");
        assertThat(departure.get("timeZone").toString()).isEqualTo("Europe/Amsterdam");
    }

    static AvroSerializer<FlightStatusEvent> serializer(Map<String, Object> config) {
        AvroSerializer<FlightStatusEvent> serializer = new AvroSerializer<>();
        serializer.configure(config, false);
        return serializer;
    }

    static Map<String, Object> producerConfig(RealInfrastructure infra) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.broker().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
    }

    static Map<String, Object> consumerConfig(RealInfrastructure infra) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.broker().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "wire-format-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    static <V> List<ConsumerRecord<String, V>> readAll(KafkaConsumer<String, V> consumer, String topic, int expected) {
        consumer.subscribe(List.of(topic));
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
