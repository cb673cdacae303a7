package dev.appcare.optin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.topics.Topics;
import dev.appcare.optin.OptinApp;
import dev.appcare.runtime.AppConfig;
import dev.appcare.testkit.TopicReader;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * An opt-in API on the real broker and registry, on topics of its own, with an HTTP client and ways
 * to read exactly what is on its topics.
 */
final class OptinFixture implements AutoCloseable {
    static final String WRITER_KEY = "booking-site-0123456789-abcdefghijklmnop";
    static final String READER_KEY = "support-desk-0123456789-abcdefghijklmnop";
    static final String ERASER_KEY = "privacy-team-0123456789-abcdefghijklmnop";
    static final ObjectMapper JSON = new ObjectMapper();

    final RealInfrastructure infra;
    final String preferenceTopic;
    final String requestTopic;
    final String auditTopic;
    /** One Kafka Streams application per fixture: its instances share the preference store's partitions. */
    final String applicationId = TestNames.unique("appcare-optin");
    final List<OptinApp> apps = Collections.synchronizedList(new ArrayList<>()); // the benchmark starts instances in parallel
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Creates the two topics as the contract says (3 partitions here), with {@code extraPreferenceConfig}. */
    OptinFixture(RealInfrastructure infra, Map<String, String> extraPreferenceConfig) {
        this(infra, extraPreferenceConfig, 3);
    }

    /** As above with {@code partitions} partitions per topic (the contract's default is 6). */
    OptinFixture(RealInfrastructure infra, Map<String, String> extraPreferenceConfig, int partitions) {
        this.infra = infra;
        this.preferenceTopic = TestNames.unique(Topics.TRAVELLER_PREFERENCE.name());
        this.requestTopic = TestNames.unique(Topics.WHATSAPP_REQUEST.name());
        this.auditTopic = TestNames.unique(Topics.ERASURE_AUDIT.name());
        Map<String, String> preferenceConfig = new HashMap<>(Topics.TRAVELLER_PREFERENCE.configs());
        preferenceConfig.putAll(extraPreferenceConfig);
        infra.broker().createTopics(
                new NewTopic(preferenceTopic, partitions, (short) 1).configs(preferenceConfig),
                new NewTopic(requestTopic, partitions, (short) 1).configs(Topics.WHATSAPP_REQUEST.configs()),
                new NewTopic(auditTopic, partitions, (short) 1).configs(Topics.ERASURE_AUDIT.configs()));
    }

    OptinFixture(RealInfrastructure infra) {
        this(infra, Map.of());
    }

    /** Starts one more instance of the API on these topics (its own transactional id, a free port). */
    OptinApp startApp() {
        return startApp(Map.of());
    }

    /** As {@link #startApp()}, with {@code extra} settings over the fixture's. */
    OptinApp startApp(Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", infra.bootstrapServers());
        config.put("schema.registry.url", infra.schemaRegistryUrl());
        config.put("optin.http.port", "0");
        config.put("optin.topic.preference", preferenceTopic);
        config.put("optin.topic.request", requestTopic);
        config.put("optin.topic.erasure-audit", auditTopic);
        config.put("optin.transactional.id", TestNames.unique("appcare-optin"));
        config.put("optin.application.id", applicationId);
        config.put("optin.auth.key.booking-site.secret", WRITER_KEY);
        config.put("optin.auth.key.booking-site.permissions", "read,write");
        config.put("optin.auth.key.support.secret", READER_KEY);
        config.put("optin.auth.key.support.permissions", "read");
        config.put("optin.auth.key.privacy.secret", ERASER_KEY);
        config.put("optin.auth.key.privacy.permissions", "read,erase");
        config.putAll(extra);
        OptinApp app = new OptinApp(AppConfig.of(config)).start();
        apps.add(app);
        return app;
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    record Response(int status, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** The names in the problem's invalid-params. */
        List<String> invalidParams() {
            List<String> names = new ArrayList<>();
            json().path("invalid-params").forEach(p -> names.add(p.path("name").asText()));
            return names;
        }
    }

    static HttpRequest.Builder request(OptinApp app, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).timeout(Duration.ofSeconds(30));
    }

    static String resource(String pnr, String passengerId) {
        return "/v1/travellers/" + pnr + "/" + passengerId + "/whatsapp";
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response put(OptinApp app, String path, String key, String json) {
        return send(request(app, path).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Response get(OptinApp app, String path, String key) {
        return send(request(app, path).header("Authorization", "Bearer " + key).GET().build());
    }

    Response post(OptinApp app, String path, String key) {
        return send(request(app, path).header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    Response delete(OptinApp app, String path, String key) {
        return send(request(app, path).header("Authorization", "Bearer " + key).DELETE().build());
    }

    // ---- topics ----------------------------------------------------------------------------------

    /** Everything committed to {@code topic}, as a read_committed consumer sees it, in offset order per partition. */
    List<ConsumerRecord<String, byte[]>> committed(String topic) {
        return read(topic, "read_committed");
    }

    /** Every record in {@code topic}, aborted ones included: what is physically there. */
    List<ConsumerRecord<String, byte[]>> everything(String topic) {
        return read(topic, "read_uncommitted");
    }

    private List<ConsumerRecord<String, byte[]>> read(String topic, String isolation) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return TopicReader.readToEnd(props, topic, Duration.ofSeconds(30));
    }

    /** Sum of the end offsets of all partitions: 0 means nothing was ever written, not even an aborted transaction. */
    long endOffsetSum(String topic) {
        try {
            var partitions = infra.broker().admin().describeTopics(List.of(topic)).allTopicNames().get()
                    .get(topic).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return infra.broker().admin().listOffsets(partitions).all().get().values().stream()
                    .mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    <T extends SpecificRecord> T decode(Class<T> type, ConsumerRecord<String, byte[]> record) {
        try (AvroDeserializer<T> deserializer = new AvroDeserializer<>(type)) {
            deserializer.configure(Map.of("schema.registry.url", infra.schemaRegistryUrl()), false);
            return deserializer.deserialize(record.topic(), record.value());
        }
    }

    @Override
    public void close() {
        apps.forEach(OptinApp::stop);
    }
}
