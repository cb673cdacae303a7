package dev.appcare.model.topics;

import dev.appcare.model.serde.AvroSerde;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic of the public contract: its name, what its key is, its value type, and how it is kept.
 * Keys are always plain strings so any Kafka tool can read them; values are Avro in Confluent wire format.
 *
 * @param name         topic name
 * @param keyMeaning   what the string key is, e.g. "flight key KL1234/2026-11-23/AMS"
 * @param valueType    generated Avro class of the values
 * @param partitions   default partition count
 * @param cleanup      delete (retention by time) or compact (latest per key)
 * @param retention    how long records are kept; empty = forever (compacted topics)
 * @param writers      which roles or systems write it
 * @param readers      which roles read it
 */
public record TopicSpec<V extends SpecificRecord>(
        String name,
        String keyMeaning,
        Class<V> valueType,
        int partitions,
        CleanupPolicy cleanup,
        Optional<Duration> retention,
        String writers,
        String readers) {

    public TopicSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(valueType);
        Objects.requireNonNull(cleanup);
        Objects.requireNonNull(retention);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for " + name);
        }
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    /** A configured value serde ({@code serdeConfig} needs at least {@code schema.registry.url}). */
    public Serde<V> valueSerde(Map<String, ?> serdeConfig) {
        return AvroSerde.forValues(valueType, serdeConfig);
    }

    /** Subject of the value schema under the TopicNameStrategy. */
    public String valueSubject() {
        return name + "-value";
    }

    /** The topic configs we own: cleanup policy and retention. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.config());
        configs.put(TopicConfig.RETENTION_MS_CONFIG, retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
        if (cleanup == CleanupPolicy.COMPACT) {
            // Tombstones (GDPR erasure) must stay long enough for every reader to see them, then go.
            configs.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()));
        }
        return configs;
    }

    public NewTopic newTopic(int partitionCount, short replicationFactor) {
        return new NewTopic(name, partitionCount, replicationFactor).configs(configs());
    }
}
