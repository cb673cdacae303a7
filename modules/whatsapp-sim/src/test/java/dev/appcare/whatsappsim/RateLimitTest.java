package dev.appcare.whatsappsim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.appcare.whatsappsim.SimClient.gateChange;
import static org.assertj.core.api.Assertions.assertThat;

class RateLimitTest {

    /** The time the limits refill by: it stands still unless a test moves it, so counts are exact. */
    private final AtomicLong nanoTime = new AtomicLong();

    private static String recipient(int i) {
        return "3162" + String.format("%07d", i);
    }

    private SimulatorBuilder simulator() {
        return WhatsAppSimulator.builder().rateLimitTime(nanoTime::get);
    }

    private void advance(Duration d) {
        nanoTime.addAndGet(d.toNanos());
    }

    @Test
    void shouldRefuseRequestsAboveTheThroughputCeilingWith130429() {
        int rate = 50;
        try (WhatsAppSimulator sim = simulator().throughputPerSecond(rate).start();
             SimClient client = new SimClient(sim)) {
            int burst = 3 * rate;
            List<CompletableFuture<SimClient.Response>> futures = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                futures.add(client.sendAsync(gateChange(recipient(i)).toString()));
            }
            List<SimClient.Response> responses = futures.stream().map(CompletableFuture::join).toList();

            long ok = responses.stream().filter(r -> r.status() == 200).count();
            List<SimClient.Response> throttled = responses.stream().filter(r -> r.errorCode() == 130429).toList();
            // A full bucket: a second's worth plus the 100 ms grace (no time passes, so nothing refills).
            assertThat(ok).isEqualTo(rate + rate / 10);
            assertThat(throttled).hasSize(burst - rate - rate / 10).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.json().at("/error/message").asText()).isEqualTo("(#130429) Rate limit hit");
                assertThat(r.json().at("/error/error_data/details").asText()).contains("too many messages");
            });
            assertThat(sim.rejectionCount(130429)).isEqualTo(throttled.size());
        }
    }

    @Test
    void shouldGiveEachBusinessNumberItsOwnCeiling() {
        String small = "106540352242911";
        try (WhatsAppSimulator sim = simulator().throughputPerSecond(200)
                .throughputPerSecond(small, 10).rateLimitGrace(Duration.ZERO).start();
             SimClient big = new SimClient(sim);
             SimClient little = new SimClient(sim, small)) {
            List<CompletableFuture<SimClient.Response>> toBig = new ArrayList<>();
            List<CompletableFuture<SimClient.Response>> toLittle = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                toBig.add(big.sendAsync(gateChange(recipient(i)).toString()));
                toLittle.add(little.sendAsync(gateChange(recipient(100 + i)).toString()));
            }
            long bigOk = toBig.stream().map(CompletableFuture::join).filter(r -> r.status() == 200).count();
            long littleOk = toLittle.stream().map(CompletableFuture::join).filter(r -> r.status() == 200).count();

            assertThat(bigOk).as("40 within a 200/s bucket").isEqualTo(40);
            assertThat(littleOk).as("a bucket of 10").isEqualTo(10);
            assertThat(sim.rejectionCount(130429)).isEqualTo(30);
        }
    }

    @Test
    void shouldNotRefuseASenderPacedExactlyAtTheCeiling() throws Exception {
        int rate = 50;
        int total = 100; // two seconds' worth, evenly spaced at 20 ms
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().throughputPerSecond(rate).start();
             SimClient client = new SimClient(sim)) {
            warmUpConnections(client, 20);
            // The sender's rule: evenly spaced at `rate`/s, and never more than `rate` sends in any trailing
            // second (so after a stall of this busy machine it does not catch up in a burst).
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
            List<CompletableFuture<SimClient.Response>> futures = new ArrayList<>();
            java.util.ArrayDeque<Long> window = new java.util.ArrayDeque<>();
            CompletableFuture<Void> allSent = new CompletableFuture<>();
            long start = System.nanoTime();
            pacer.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                long due = Math.min(total, (now - start) * rate / 1_000_000_000L + 1);
                while (!window.isEmpty() && now - window.peekFirst() >= 1_000_000_000L) {
                    window.pollFirst();
                }
                synchronized (futures) {
                    while (futures.size() < due && window.size() < rate) {
                        window.addLast(now);
                        futures.add(client.sendAsync(gateChange(recipient(futures.size())).toString()));
                    }
                    if (futures.size() == total) {
                        allSent.complete(null);
                    }
                }
            }, 0, 2, TimeUnit.MILLISECONDS);
            allSent.get(60, TimeUnit.SECONDS);
            pacer.shutdownNow();
            List<SimClient.Response> responses;
            synchronized (futures) {
                responses = futures.stream().map(CompletableFuture::join).toList();
            }

            assertThat(responses).hasSize(total).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(sim.rejectionCount(130429)).isZero();
        }
    }

    /** Opens n keep-alive connections first, so the paced requests do not wait for connection set-up. */
    private static void warmUpConnections(SimClient client, int n) {
        List<CompletableFuture<?>> warm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            warm.add(client.http().sendAsync(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(client.baseUrl() + "/_sim/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()));
        }
        warm.forEach(CompletableFuture::join);
    }

    @Test
    void shouldNotRefuseASenderThatSendsAFullSecondsWorthPerSecond() {
        int rate = 40;
        try (WhatsAppSimulator sim = simulator().throughputPerSecond(rate).rateLimitGrace(Duration.ZERO).start();
             SimClient client = new SimClient(sim)) {
            // A sender with a 1-second window: `rate` at once, then the next batch a second after that one began.
            for (int batch = 0; batch < 3; batch++) {
                List<CompletableFuture<SimClient.Response>> futures = new ArrayList<>();
                for (int i = 0; i < rate; i++) {
                    futures.add(client.sendAsync(gateChange(recipient(batch * rate + i)).toString()));
                }
                futures.forEach(f -> assertThat(f.join().status()).isEqualTo(200));
                advance(Duration.ofSeconds(1));
            }
            assertThat(sim.rejectionCount(130429)).isZero();
            assertThat(sim.acceptedCount()).isEqualTo(3L * rate);
        }
    }

    @Test
    void shouldLimitThroughputPerPhoneNumberIdSeparately() {
        try (WhatsAppSimulator sim = simulator().throughputPerSecond(5).rateLimitGrace(Duration.ZERO).start();
             SimClient client = new SimClient(sim)) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.send(gateChange(recipient(i)).toString()).status()).isEqualTo(200);
            }
            assertThat(client.send(gateChange(recipient(5)).toString()).errorCode()).isEqualTo(130429);

            SimClient.Response otherNumber = client.execute(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(sim.baseUrl() + "/v21.0/222333444/messages"))
                    .header("Authorization", "Bearer " + sim.settings().account().accessToken())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(gateChange(recipient(6)).toString()))
                    .build());
            assertThat(otherNumber.status()).isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseASecondMessageToTheSameRecipientWithinThePairPeriodWith131056() {
        try (WhatsAppSimulator sim = simulator().pairRate(1, Duration.ofMillis(400)).start();
             SimClient client = new SimClient(sim)) {
            assertThat(client.send(gateChange("31612345678").toString()).status()).isEqualTo(200);

            SimClient.Response second = client.send(gateChange("+31612345678").toString());
            assertThat(second.status()).isEqualTo(400);
            assertThat(second.errorCode()).isEqualTo(131056);
            assertThat(second.json().at("/error/message").asText())
                    .isEqualTo("(#131056) (Business Account, Consumer Account) pair rate limit hit");

            assertThat(client.send(gateChange("31699999999").toString()).status())
                    .as("another recipient is not affected").isEqualTo(200);

            // The bucket holds 1 message plus 100 ms grace (1/4 of one here): 300 ms refill the rest.
            advance(Duration.ofMillis(299));
            assertThat(client.send(gateChange("31612345678").toString()).errorCode())
                    .as("still refused just before the pair period (less grace) has passed").isEqualTo(131056);
            advance(Duration.ofMillis(101));
            assertThat(client.send(gateChange("31612345678").toString()).status())
                    .as("allowed again after the pair period").isEqualTo(200);
            assertThat(sim.acceptedFor("31612345678")).hasSize(2);
            assertThat(sim.rejectionCount(131056)).isEqualTo(2);
        }
    }

    @Test
    void shouldAllowAConfiguredPairBurst() {
        try (WhatsAppSimulator sim = simulator().pairRate(3, Duration.ofSeconds(6)).start();
             SimClient client = new SimClient(sim)) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(client.send(gateChange("31612345678").toString()).status());
            }
            assertThat(statuses).containsExactly(200, 200, 200, 400);
        }
    }

    @Test
    void shouldUseTheDefaultLimitsOf80PerSecondAndOnePer6Seconds() {
        SimulatorSettings.Limits s = WhatsAppSimulator.builder().build().settings().limits();
        assertThat(s.throughputPerSecond()).isEqualTo(80);
        assertThat(s.pairBurst()).isEqualTo(1);
        assertThat(s.pairPeriod()).isEqualTo(Duration.ofSeconds(6));
    }
}
