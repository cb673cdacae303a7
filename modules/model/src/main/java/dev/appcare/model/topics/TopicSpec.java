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
 * @param retention    how long records are kept; empty = forever (compacted topics); for a time-retained
 *                     topic holding personal data this is the value under the default {@link ErasureBound}
 * @param writers      which roles or systems write it
 * @param readers      which roles read it
 * @param personalData whether its records hold a phone number or a name: then its retention follows the
 *                     {@link ErasureBound} ({@link ErasureBound#personalDataRetention()}), not {@code retention}
 */
public record TopicSpec<V extends SpecificRecord>(
        String name,
        String keyMeaning,
        Class<V> valueType,
        int partitions,
        CleanupPolicy cleanup,
        Optional<Duration> retention,
        String writers,
        String readers,
        boolean personalData) {

    public TopicSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(valueType);
        Objects.requireNonNull(cleanup);
        Objects.requireNonNull(retention);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for " + name);
        }
    }

    /** A topic without personal data. */
    public TopicSpec(String name, String keyMeaning, Class<V> valueType, int partitions, CleanupPolicy cleanup,
                     Optional<Duration> retention, String writers, String readers) {
        this(name, keyMeaning, valueType, partitions, cleanup, retention, writers, readers, false);
    }

    /** The same topic under another name (tests, environments sharing a cluster). */
    public TopicSpec<V> withName(String newName) {
        return new TopicSpec<>(newName, keyMeaning, valueType, partitions, cleanup, retention, writers, readers, personalData);
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

    /** The topic configs we own under the default {@link ErasureBound}. */
    public Map<String, String> configs() {
        return configs(ErasureBound.DEFAULT);
    }

    /**
     * The topic configs we own: cleanup policy and retention, and the settings that make the erasure
     * bound true (see {@link ErasureBound}): compacted topics roll and get cleaned in time, time-retained
     * topics holding personal data keep it no longer than the bound allows.
     */
    public Map<String, String> configs(ErasureBound erasure) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.config());
        Optional<Duration> kept = cleanup == CleanupPolicy.DELETE && personalData
                ? Optional.of(erasure.personalDataRetention()) : retention;
        configs.put(TopicConfig.RETENTION_MS_CONFIG, kept.map(d -> Long.toString(d.toMillis())).orElse("-1"));
        configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(erasure.segment().toMillis()));
        if (cleanup == CleanupPolicy.COMPACT) {
            configs.putAll(compactionConfigs(erasure));
        }
        return configs;
    }

    /**
     * What a compacted topic needs for the bound, besides {@code segment.ms}: a maximum compaction lag, the
     * cleaner's dirty ratio, and tombstones (erasures) kept longer than any role may be down. The notifier
     * gives the same to its changelogs ({@code topic.}-prefixed Streams settings).
     */
    public static Map<String, String> compactionConfigs(ErasureBound erasure) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(erasure.maxCompactionLag().toMillis()));
        configs.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.5");
        configs.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(erasure.tombstoneRetention().toMillis()));
        return configs;
    }

    public NewTopic newTopic(int partitionCount, short replicationFactor) {
        return newTopic(partitionCount, replicationFactor, ErasureBound.DEFAULT);
    }

    public NewTopic newTopic(int partitionCount, short replicationFactor, ErasureBound erasure) {
        return new NewTopic(name, partitionCount, replicationFactor).configs(configs(erasure));
    }
}
