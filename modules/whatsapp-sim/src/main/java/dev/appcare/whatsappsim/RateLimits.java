package dev.appcare.whatsappsim;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The two Cloud API send limits, as bucket4j token buckets (greedy, i.e. continuous, refill):
 *
 * <ul>
 *   <li><b>Throughput</b> per business phone-number-id (each may have its own {@code rate}): a bucket of {@code rate} messages refilled at
 *       {@code rate} per second. A sender that never has more than {@code rate} requests in any 1-second
 *       window, or that sends evenly at {@code rate}/s, is never refused. Sending {@code rate + k} at
 *       once refuses about k of them (130429).</li>
 *   <li><b>Pair rate</b> per (phone-number-id, recipient): a bucket of {@code pairBurst} messages refilled
 *       with one message per {@code pairPeriod} (default 1 per 6 s) → 131056.</li>
 * </ul>
 *
 * Both buckets are a little larger than that, by {@code grace}: the bucket holds {@code grace} worth of
 * extra refill (100 ms by default: 8 extra messages at 80/s, 1/60 of a message on the pair bucket), so
 * that a sender pacing exactly at the ceiling is not refused because its requests were bunched up by
 * network or scheduling jitter on the way. The long-run rate is exact; only the instantaneous burst is
 * {@code grace} larger. Tokens are counted in 1/1000 of a message to make that fraction possible.
 *
 * <p>Every authenticated send request consumes throughput (also ones later refused for another reason):
 * that is what a sender counts when it paces itself. Only requests that pass validation consume pair rate.
 */
final class RateLimits {

    /** Tokens per message. */
    static final long UNIT = 1000;

    private record State(SimulatorSettings.Limits settings, ConcurrentMap<String, Bucket> throughput,
                         ConcurrentMap<String, Bucket> pairs) {
    }

    private volatile State state;

    RateLimits(SimulatorSettings.Limits settings) {
        this.state = new State(settings, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /** New limits; all buckets start full again. */
    void reconfigure(SimulatorSettings.Limits settings) {
        this.state = new State(settings, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    void reset() {
        reconfigure(state.settings());
    }

    /** Takes one message of throughput for this phone-number-id; false means 130429. */
    boolean tryThroughput(String phoneNumberId) {
        State s = state;
        Bucket bucket = s.throughput().computeIfAbsent(phoneNumberId, id -> throughputBucket(s.settings(), s.settings().throughputOf(id)));
        return bucket.tryConsume(UNIT);
    }

    /** Takes one message of pair rate for (phone-number-id, recipient); false means 131056. */
    boolean tryPair(String phoneNumberId, String waId) {
        State s = state;
        boolean[] ok = new boolean[1];
        // compute(): consumption and the idle-bucket cleanup below never race on the same key.
        s.pairs().compute(phoneNumberId + '|' + waId, (key, bucket) -> {
            Bucket b = bucket != null ? bucket : pairBucket(s.settings());
            ok[0] = b.tryConsume(UNIT);
            return b;
        });
        return ok[0];
    }

    /** Forgets pair buckets that are full again (their recipients are idle), so memory stays bounded. */
    void evictIdlePairs() {
        State s = state;
        long capacity = s.settings().pairCapacity();
        for (String key : s.pairs().keySet()) {
            s.pairs().computeIfPresent(key, (k, b) -> b.getAvailableTokens() >= capacity ? null : b);
        }
    }

    int trackedPairs() {
        return state.pairs().size();
    }

    private static Bucket throughputBucket(SimulatorSettings.Limits s, int throughputPerSecond) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(s.throughputCapacity(throughputPerSecond))
                        .refillGreedy(throughputPerSecond * UNIT, Duration.ofSeconds(1))
                        .build())
                .withCustomTimePrecision(timeOf(s))
                .build();
    }

    private static Bucket pairBucket(SimulatorSettings.Limits s) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(s.pairCapacity())
                        .refillGreedy(UNIT, s.pairPeriod())
                        .build())
                .withCustomTimePrecision(timeOf(s))
                .build();
    }

    /** bucket4j's clock for these limits: the injected nanosecond time (System.nanoTime unless a test moves its own). */
    private static TimeMeter timeOf(SimulatorSettings.Limits s) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return s.nanoTime().getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }
}
