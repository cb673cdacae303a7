package dev.appcare.notifier.streams;

import dev.appcare.model.rules.InputRules;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps per-flight state from growing forever: entries of flights whose departure day lies more than the
 * retention before stream time are deleted (deletes reach the changelog, so restored state is small too).
 * Run from a stream-time punctuation, so a replay of old data does not purge what it is about to need;
 * and the time it sweeps by is stream time <em>capped by the wall clock</em> (the task's, injected by the
 * test driver), so one record with a far-future timestamp (producer clock skew, a backfill) cannot make
 * every live flight look past its retention.
 */
final class StateRetention {
    /** How often the stores are swept, in stream time. */
    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

    private StateRetention() {
    }

    /**
     * Deletes entries whose flight departed before {@code min(streamTime, wallClock) - retention}.
     *
     * @param flightKeyOf extracts the flight key ({@code KL1234/2026-11-23/AMS}) from a store key
     */
    static <V> int sweep(KeyValueStore<String, V> store, long streamTime, long wallClock, Duration retention,
                         Function<String, String> flightKeyOf) {
        streamTime = Math.min(streamTime, wallClock);
        if (streamTime < 0) {
            return 0;
        }
        LocalDate oldestKept = Instant.ofEpochMilli(streamTime).minus(retention).atZone(ZoneOffset.UTC).toLocalDate();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> entry = all.next();
                LocalDate day = departureDay(flightKeyOf.apply(entry.key));
                if (day != null && day.isBefore(oldestKept)) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(store::delete);
        return expired.size();
    }

    /** {@code KL1234/2026-11-23/AMS} -> 2026-11-23; null when the key is not a flight key. */
    static LocalDate departureDay(String flightKey) {
        return InputRules.flightDay(flightKey);
    }

    /** {@code a|b} -> {@code b}. */
    static String afterBar(String key) {
        return key.substring(key.indexOf('|') + 1);
    }

    /** {@code a|b} -> {@code a}. */
    static String beforeBar(String key) {
        return key.substring(0, key.indexOf('|'));
    }
}
