package dev.appcare.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same checks against the vendors' own images, for machines with a Docker engine: shows that what
 * the kit provides (Apache Kafka + a Confluent-API registry) behaves like Confluent's registry does.
 * Without Docker the whole class is reported as skipped.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersVariantIT {

    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1")
            .withNetwork(NETWORK)
            .withListener("kafka:19092");

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:8.0.0")
            .withNetwork(NETWORK)
            .withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @Test
    void shouldRoundTripARecordThroughTheContainerBroker() throws Exception {
        String topic = TestNames.unique("testkit.containers");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.getBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "KL1234", "hello")).get();
        }
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestNames.unique("testkit-containers"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            var records = consumer.poll(java.time.Duration.ofSeconds(20));
            assertThat(records).extracting(r -> r.value()).containsExactly("hello");
        }
    }

    @Test
    void shouldRefuseAnIncompatibleSchemaChangeWithHttp409LikeTheKitsRegistry() throws Exception {
        String url = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
        String subject = TestNames.unique("testkit.containers") + "-value";

        assertThat(register(url, subject, ApicurioRegistryIT.V1).statusCode()).isEqualTo(200);
        assertThat(register(url, subject, ApicurioRegistryIT.V2_INCOMPATIBLE).statusCode()).isEqualTo(409);
    }

    private static HttpResponse<String> register(String url, String subject, String avsc) throws Exception {
        String body = "{\"schema\":\"" + avsc.replace("\n", " ").replace("\"", "\\\"") + "\"}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
