package dev.appcare.optin;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB settings of the opt-in API's store, so that an erasure also leaves its files in time. A delete in
 * RocksDB writes a tombstone; the old value stays in older files until a compaction merges the two. Kafka
 * Streams runs RocksDB with universal compaction, where {@code periodic_compaction_seconds} makes RocksDB
 * compact files older than that, down to the last level, which drops deleted values. It is set to half the
 * erasure bound ({@code erasure.bound}, docs/privacy.md), like the topics' {@code max.compaction.lag.ms}.
 */
public final class PreferenceRocksDbConfig implements RocksDBConfigSetter {
    /** The Streams property carrying the erasure bound in seconds (set by {@link OptinSettings#streamsProperties}). */
    static final String ERASURE_BOUND_SECONDS = "appcare.optin.erasure.bound.seconds";

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object bound = configs.get(ERASURE_BOUND_SECONDS);
        long seconds = bound == null ? 24 * 3600 : Long.parseLong(bound.toString());
        options.setPeriodicCompactionSeconds(Math.max(1, seconds / 2));
    }

    @Override
    public void close(String storeName, Options options) {
        // Nothing was allocated here.
    }
}
