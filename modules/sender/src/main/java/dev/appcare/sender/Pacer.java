package dev.appcare.sender;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;

/**
 * The business number's throughput ceiling (rule S2), as a bucket4j token bucket with greedy refill: one
 * token per call, every call (retries and probes too, as WhatsApp counts them), {@code rate} tokens a
 * second, and a small burst ({@code rate × burstWindow}, at least one) so that the calls leave evenly
 * spaced rather than in clumps that a strict server-side window would refuse.
 *
 * <p>Several sender instances share one number: each paces to its share of the ceiling, proportional to
 * the request partitions it owns ({@link #share}), so together they stay under it.
 */
final class Pacer {
    private final int ceilingPerSecond;
    private final Duration burstWindow;
    private final Bucket bucket;
    private volatile double currentRate;

    Pacer(int ceilingPerSecond, Duration burstWindow) {
        this(ceilingPerSecond, burstWindow, TimeMeter.SYSTEM_NANOTIME);
    }

    Pacer(int ceilingPerSecond, Duration burstWindow, TimeMeter time) {
        this.ceilingPerSecond = ceilingPerSecond;
        this.burstWindow = burstWindow;
        this.currentRate = ceilingPerSecond;
        this.bucket = Bucket.builder().addLimit(bandwidth(ceilingPerSecond)).withCustomTimePrecision(time).build();
    }

    private Bandwidth bandwidth(double ratePerSecond) {
        // Tokens in thousandths of a call, so that a fractional share (2 of 3 partitions) paces exactly.
        long milliRate = Math.max(1, Math.round(ratePerSecond * 1000));
        long burst = Math.max(1000, Math.round(ratePerSecond * burstWindow.toNanos() / 1e9) * 1000);
        return Bandwidth.builder().capacity(burst).refillGreedy(milliRate, Duration.ofSeconds(1)).build();
    }

    /** Takes one call's token; returns 0 if it got one, else how long to wait (ns) before trying again. */
    long tryAcquire() {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1000);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** Whether a call's token is there now (nothing taken). */
    boolean available() {
        return bucket.estimateAbilityToConsume(1000).canBeConsumed();
    }

    /** How long until a call's token is there (ns, 0 if now; nothing taken). */
    long nanosUntilAvailable() {
        return bucket.estimateAbilityToConsume(1000).getNanosToWaitForRefill();
    }

    /** Blocks until a token is taken. */
    void acquire() throws InterruptedException {
        long wait;
        while ((wait = tryAcquire()) > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Paces to {@code owned / total} of the ceiling (all of it when the share is unknown). */
    void share(int ownedPartitions, int totalPartitions) {
        double rate = totalPartitions <= 0 || ownedPartitions <= 0 ? ceilingPerSecond
                : ceilingPerSecond * Math.min(1.0, (double) ownedPartitions / totalPartitions);
        if (rate != currentRate) {
            currentRate = rate;
            bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(rate)).build(),
                    TokensInheritanceStrategy.AS_IS);
        }
    }

    double currentRate() {
        return currentRate;
    }

    int ceiling() {
        return ceilingPerSecond;
    }
}
