package dev.appcare.ops;

import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What every ops command talks to: the cluster (client properties, as {@code kafka-consumer-groups
 * --command-config} takes them: TLS, SASL, ...), the schema registry (its keys in the same file:
 * {@code schema.registry.url}, {@code basic.auth.user.info}, {@code bearer.auth.token}), the topic names
 * (the contract's, plus an optional suffix as the roles have), a clock and where to print.
 */
public final class OpsContext {
    private static final String ROLES_KAFKA_PREFIX = "kafka.";
    private final Map<String, Object> kafka;
    private final Map<String, Object> serde;
    private final TopicNames topicNames;
    private final Clock clock;
    private final PrintWriter out;
    private final Map<Class<?>, Deserializer<?>> deserializers = new HashMap<>();

    public OpsContext(Map<String, Object> kafka, Map<String, Object> serde, String suffix, Clock clock, PrintWriter out) {
        this.kafka = Map.copyOf(kafka);
        this.serde = Map.copyOf(serde);
        this.topicNames = Topics.withSuffix(suffix);
        this.clock = clock;
        this.out = out;
    }

    /**
     * From the command line: {@code commandConfig} (may be null) holds client and registry properties, in
     * Kafka's tools' layout or as the roles' properties file ({@code kafka.*} keys, the others ignored);
     * {@code bootstrapServers} and {@code registryUrl} win when given (non-null).
     */
    public static OpsContext of(String bootstrapServers, String registryUrl, Path commandConfig, String suffix,
                                Clock clock, PrintWriter out) {
        Map<String, Object> kafka = new HashMap<>();
        Map<String, Object> serde = new HashMap<>();
        if (commandConfig != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(commandConfig)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --command-config " + commandConfig, e);
            }
            // Two layouts: Kafka's tools' (bootstrap.servers, security.protocol, ...) or the roles' own file
            // (kafka.bootstrap.servers, kafka.security.protocol, ..., read by ClientSettings), so one file serves
            // the roles, appcare topics/schemas --config and ops. In the roles' file only kafka.* reaches Kafka.
            boolean rolesFile = properties.stringPropertyNames().stream().anyMatch(k -> k.startsWith(ROLES_KAFKA_PREFIX));
            for (String key : properties.stringPropertyNames()) {
                String value = properties.getProperty(key).trim();
                if (isRegistryKey(key)) {
                    serde.put(key, value);
                } else if (!rolesFile) {
                    kafka.put(key, value);
                } else if (key.startsWith(ROLES_KAFKA_PREFIX)) {
                    kafka.put(key.substring(ROLES_KAFKA_PREFIX.length()), value);
                }
            }
        }
        if (bootstrapServers != null) {
            kafka.put("bootstrap.servers", bootstrapServers);
        }
        if (registryUrl != null) {
            serde.put("schema.registry.url", registryUrl);
        }
        if (!kafka.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("no bootstrap.servers: give --bootstrap-servers or put it in --command-config");
        }
        if (!serde.containsKey("schema.registry.url")) {
            throw new IllegalArgumentException("no schema.registry.url: give --schema-registry-url or put it in --command-config");
        }
        kafka.putIfAbsent("client.id", "appcare-ops");
        return new OpsContext(kafka, serde, suffix, clock, out);
    }

    /** The Kafka client properties (for tests of how a --command-config file is split). */
    Map<String, Object> kafkaConfig() {
        return kafka;
    }

    /** The registry's properties. */
    Map<String, Object> serdeConfig() {
        return serde;
    }

    static boolean isRegistryKey(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.") || key.startsWith("bearer.auth.");
    }

    public String topic(TopicSpec<?> spec) {
        return topicNames.name(spec);
    }

    public String suffix() {
        return topicNames.suffix();
    }

    /** The topic names of this deployment (the contract's plus {@code --topic-suffix}). */
    public TopicNames topicNames() {
        return topicNames;
    }

    public Clock clock() {
        return clock;
    }

    public PrintWriter out() {
        return out;
    }

    public Admin admin() {
        return Admin.create(new HashMap<>(kafka));
    }

    /** A consumer without a group (it never commits anything), reading only committed transactions. */
    public KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> p = new HashMap<>(kafka);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("max.poll.records", "2000");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Decodes a value of a contract topic (Confluent wire format, schema from the registry). */
    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> V decode(TopicSpec<V> spec, byte[] value) {
        Deserializer<V> d = (Deserializer<V>) deserializers.computeIfAbsent(spec.valueType(),
                type -> spec.valueSerde(serde).deserializer());
        return d.deserialize(topic(spec), value);
    }
}
