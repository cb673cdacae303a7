package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

    @Test
    void shouldGrowExponentiallyWithinHalfToAllOfTheStep() {
        SplittableRandom random = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 6; attempt++) {
            long step = 1_000L << (attempt - 1);
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delayMillis(attempt, random)).isBetween(step / 2, step);
            }
        }
    }

    @Test
    void shouldStopGrowingAtTheMaximum() {
        SplittableRandom random = new SplittableRandom(1);
        for (int attempt = 7; attempt < 100; attempt++) {
            assertThat(backoff.delayMillis(attempt, random)).isBetween(30_000L, 60_000L);
        }
    }

    @Test
    void shouldSpreadRetriesOfABurst() {
        SplittableRandom random = new SplittableRandom(7);
        long distinct = java.util.stream.IntStream.range(0, 100).mapToLong(i -> backoff.delayMillis(3, random))
                .distinct().count();
        assertThat(distinct).isGreaterThan(80);
    }
}
