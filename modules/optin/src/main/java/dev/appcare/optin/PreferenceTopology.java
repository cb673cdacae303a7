package dev.appcare.optin;

import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The opt-in API's state: {@code traveller.preference.v1} materialised as a table, partition by partition,
 * in a RocksDB store on each instance that owns the partition (Kafka Streams spreads the partitions over
 * the instances of one {@code optin.application.id}). An instance holds only the travellers of its own
 * partitions, on disk; a request for another traveller is forwarded to the owner ({@link OwnerRouting}).
 *
 * <pre>
 *   traveller.preference.v1 ──► optin-preference-source ──► optin-preference ──► optin-preferences (RocksDB, key → Avro bytes)
 * </pre>
 *
 * <p>The values stay as the topic's bytes (Confluent wire format): decoding happens when a value is read
 * ({@link PreferenceStore}), so a record that cannot be decoded is counted and read as "no preference"
 * instead of stopping the stream thread. A tombstone deletes the key.
 *
 * <p>No changelog topic: with {@code topology.optimization=reuse.ktable.source.topics} (set by
 * {@link #build}) the compacted source topic is the store's changelog, so an erasure's tombstone is the
 * only record that must be cleaned, on the topic the erasure bound already covers (docs/privacy.md).
 */
final class PreferenceTopology {
    /** The table's processor; Kafka Streams names its source node {@code optin-preference-source}. */
    static final String TABLE = "optin-preference";
    static final String STORE = "optin-preferences";

    private PreferenceTopology() {
    }

    /**
     * @param preferenceTopic the compacted preference topic ({@code traveller.preference.v1})
     * @param streamsConfig   the Kafka Streams settings; the source-topic reuse is added to a copy
     */
    static Topology build(String preferenceTopic, Properties streamsConfig) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(preferenceTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(TABLE),
                Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as(STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray())
                        // No record cache: a query must read what the store's position says it has applied (a
                        // cached write would reach RocksDB only at the next commit), and nothing downstream needs it.
                        .withCachingDisabled());
        Properties properties = new Properties();
        properties.putAll(streamsConfig);
        properties.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        return builder.build(properties);
    }
}
