package dev.appcare.sender;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": after the n-th failed attempt wait between half and all of
 * {@code min(max, initial × 2^(n-1))}. The random half spreads out retries of a burst of throttled
 * requests so they do not come back all at once; the fixed half keeps the wait growing.
 */
record Backoff(Duration initial, Duration max) {

    long delayMillis(int attempts, RandomGenerator random) {
        long initialMs = Math.max(1, initial.toMillis());
        int shift = Math.min(Math.max(attempts - 1, 0), 30);
        long ceiling = Math.min(max.toMillis(), initialMs << shift);
        long half = ceiling / 2;
        return half + random.nextLong(ceiling - half + 1);
    }
}
