package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacerTest {

    /** A clock the test moves. */
    private static final class FakeTime implements TimeMeter {
        long nanos;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    /** Calls the pacer lets through in {@code seconds}, trying every {@code stepMicros}. */
    private static int callsIn(Pacer pacer, FakeTime time, double seconds, long stepMicros) {
        int calls = 0;
        long end = time.nanos + (long) (seconds * 1e9);
        while (time.nanos < end) {
            while (pacer.tryAcquire() == 0) {
                calls++;
            }
            time.nanos += stepMicros * 1_000;
        }
        return calls;
    }

    @Test
    void shouldPaceToTheCeilingWithOnlyASmallBurst() {
        FakeTime time = new FakeTime();
        Pacer pacer = new Pacer(80, Duration.ofMillis(50), time);
        // At most the burst (4 at 80/s over 50 ms) plus 80 per second.
        assertThat(callsIn(pacer, time, 10, 100)).isBetween(800, 804);
    }

    @Test
    void shouldNeverExceedTheCeilingInAnyOneSecondWindowAt1000PerSecond() {
        FakeTime time = new FakeTime();
        Pacer pacer = new Pacer(1000, Duration.ofMillis(50), time);
        int[] perWindow = new int[20];
        long step = 100_000; // 0.1 ms
        for (long t = 0; t < 20_000_000_000L; t += step) {
            time.nanos = t;
            while (pacer.tryAcquire() == 0) {
                perWindow[(int) (t / 1_000_000_000L)]++;
            }
        }
        for (int second = 1; second < 20; second++) {
            assertThat(perWindow[second]).as("second %d", second).isBetween(999, 1001);
        }
        assertThat(perWindow[0]).isLessThanOrEqualTo(1000 + 50); // the initial burst of 50 ms
    }

    @Test
    void shouldSayHowLongToWait() {
        FakeTime time = new FakeTime();
        Pacer pacer = new Pacer(100, Duration.ZERO, time); // burst of 1
        assertThat(pacer.tryAcquire()).isZero();
        long wait = pacer.tryAcquire();
        assertThat(wait).isBetween(9_000_000L, 10_000_000L); // ~10 ms at 100/s
    }

    @Test
    void shouldPaceToItsShareOfTheCeilingWhenOwningSomePartitions() {
        FakeTime time = new FakeTime();
        Pacer pacer = new Pacer(90, Duration.ofMillis(50), time);
        pacer.share(2, 6);
        assertThat(pacer.currentRate()).isEqualTo(30.0);
        callsIn(pacer, time, 1, 100); // drain the burst
        assertThat(callsIn(pacer, time, 10, 100)).isBetween(299, 302);
        pacer.share(6, 6);
        callsIn(pacer, time, 1, 100);
        assertThat(callsIn(pacer, time, 10, 100)).isBetween(899, 903);
    }
}
