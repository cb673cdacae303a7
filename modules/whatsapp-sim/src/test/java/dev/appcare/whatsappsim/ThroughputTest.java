package dev.appcare.whatsappsim;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small bounded load: 1,000 msg/s for 2 s against 150 ms latency with only 8 Jetty threads. If the
 * simulator held a thread per request while waiting, at most 8 requests could be in flight and this would
 * take 2000 × 150 ms / 8 ≈ 37 s; with async completion about 150 are in flight at once. Count-based
 * checks only (no timing assertions beyond a generous overall limit).
 */
class ThroughputTest {

    @Test
    void shouldSustainAThousandPerSecondWith150MsLatencyWithoutAThreadPerRequest() throws Exception {
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder()
                .throughputPerSecond(100_000) // the limit is not under test here; a stalled client may catch up in bursts
                .latency(Duration.ofMillis(150))
                .httpThreads(8)
                .start()) {
            LoadBenchmark.Result result = LoadBenchmark.run(URI.create(sim.messagesUrl(WhatsAppSimulator.DEFAULT_PHONE_NUMBER_ID)),
                    sim.settings().account().accessToken(), 1000, Duration.ofSeconds(2), 5000);
            System.out.println("ThroughputTest: " + result);

            assertThat(result.ok()).as(result.toString()).isEqualTo(2000);
            assertThat(sim.acceptedCount()).isEqualTo(2000);
            assertThat(result.peakInFlight()).as("requests held concurrently by 8 threads").isGreaterThan(16);
            assertThat(result.p50Millis()).isGreaterThanOrEqualTo(150);
            assertThat(result.seconds()).as("far below the ~37 s a thread-per-request server would need").isLessThan(20);
        }
    }
}
