package dev.appcare.sender;

import static dev.appcare.sender.it.SenderHarness.phone;

import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.sender.cloudapi.CloudApiClient;
import dev.appcare.sender.cloudapi.ErrorClass;
import dev.appcare.sender.cloudapi.SendOutcome;
import dev.appcare.sender.it.SenderHarness;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.GraphErrors;
import dev.appcare.whatsappsim.SentMessage;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sustained throughput of the sender against a 1,000 msg/s simulator with 150 ms latency, as a ratio of
 * the ceiling, with a baseline measured in the same run: a bare paced HTTP client (the same pacer and
 * HTTP client, virtual threads, no Kafka, no ledger) against the same simulator. Prints figures; asserts
 * nothing about speed. Not part of the normal build (the name matches neither *Test nor *IT):
 *
 * <pre>
 * mvn -B -ntp -pl modules/sender verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=SenderThroughputBenchmark
 * </pre>
 * Figures and the command are recorded in {@code docs/benchmarks/sender-throughput.md}.
 */
@IntegrationTest
@Tag("benchmark")
class SenderThroughputBenchmark {
    private static final int CEILING = 1000;
    private static final Duration LATENCY = Duration.ofMillis(150);
    private static final int BASELINE_MESSAGES = Integer.getInteger("benchmark.baseline.messages", 10_000);
    private static final int WARM_UP_MESSAGES = Integer.getInteger("benchmark.warmup.messages", 5_000);
    private static final int SENDER_MESSAGES = Integer.getInteger("benchmark.sender.messages", 20_000);

    @Test
    void measureSustainedThroughputAgainstA1000PerSecondSimulator(RealInfrastructure infra) throws Exception {
        try (SenderHarness h = new SenderHarness(infra, 6)) {
            WhatsAppSimulator sim = h.startSimulator(b -> b.throughputPerSecond(CEILING).latency(LATENCY)
                    .maxRecordedMessages(200_000));

            // Warm-up (not measured): JIT-compile the HTTP client, Jackson and the simulator first, so the
            // baseline is not a cold-JVM figure.
            List<WhatsAppRequest> warmUp = new ArrayList<>();
            for (int i = 0; i < WARM_UP_MESSAGES; i++) {
                warmUp.add(Requests.gateChange("warmup-" + i, phone(50_000 + i), "warmup/" + i).build());
            }
            bareClient(sim, warmUp, "warmup-");
            Thread.sleep(2_000);

            // Baseline: the bare client, same pacer, same HTTP client, same simulator.
            List<WhatsAppRequest> baseline = new ArrayList<>();
            for (int i = 0; i < BASELINE_MESSAGES; i++) {
                baseline.add(Requests.gateChange("baseline-" + i, phone(100_000 + i), "baseline/" + i).build());
            }
            Result base = bareClient(sim, baseline, "baseline-");
            Thread.sleep(2_000); // let the simulator's bucket refill

            // The sender: requests and preferences already on Kafka, then start it and let it drain them.
            List<WhatsAppRequest> requests = new ArrayList<>();
            for (int i = 0; i < SENDER_MESSAGES; i++) {
                h.optIn("bench/" + i, phone(200_000 + i));
                requests.add(Requests.gateChange("bench-" + i, phone(200_000 + i), "bench/" + i).build());
            }
            h.requests(requests);
            long acceptedBefore = sim.acceptedCount();
            long throttledBefore = sim.rejectionCount(GraphErrors.THROUGHPUT);
            SenderApp sender = h.startSender(Map.of("sender.rate.per-second", Integer.toString(CEILING),
                    "whatsapp.request-timeout", "PT10S"));
            SenderHarness.await("all accepted", Duration.ofMinutes(10),
                    () -> sim.acceptedCount() - acceptedBefore >= SENDER_MESSAGES);
            List<Instant> times = sim.accepted().stream().filter(m -> m.bizOpaqueCallbackData().startsWith("bench-"))
                    .map(SentMessage::acceptedAt).sorted().toList();
            Result measured = Result.of("sender", times, sim.rejectionCount(GraphErrors.THROUGHPUT) - throttledBefore);
            Timer latency = sender.meterRegistry().find("appcare.sender.call.latency").timer();

            System.out.printf("%n=== Sender throughput: ceiling %d msg/s, simulator latency %d ms, %d cores, load avg %.1f ===%n",
                    CEILING, LATENCY.toMillis(), Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            base.print();
            measured.print();
            System.out.printf("sender / baseline (steady state): %.2f%n", measured.steady / base.steady);
            System.out.printf("sender call latency: mean %.0f ms, max %.0f ms, over %d calls%n%n",
                    latency.mean(TimeUnit.MILLISECONDS), latency.max(TimeUnit.MILLISECONDS), latency.count());
        }
    }

    /** The bare client: pacer token, virtual thread, blocking JDK HTTP call; up to 1,000 in flight. */
    private static Result bareClient(WhatsAppSimulator sim, List<WhatsAppRequest> requests, String prefix)
            throws Exception {
        Pacer pacer = new Pacer(CEILING, Duration.ofMillis(50));
        Semaphore inFlight = new Semaphore(CEILING);
        AtomicLong throttled = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (CloudApiClient client = new CloudApiClient(URI.create(sim.baseUrl()), WhatsAppSimulator.DEFAULT_API_VERSION,
                SenderHarness.PHONE_NUMBER_ID, () -> SenderHarness.TOKEN, Duration.ofSeconds(5), Duration.ofSeconds(10),
                false)) {
            for (WhatsAppRequest request : requests) {
                inFlight.acquire();
                pacer.acquire();
                Thread.ofVirtual().start(() -> {
                    try {
                        SendOutcome outcome = client.send(request);
                        if (outcome.errorClass() == ErrorClass.THROTTLED) {
                            throttled.incrementAndGet();
                        } else if (outcome.errorClass() != ErrorClass.ACCEPTED) {
                            failed.incrementAndGet();
                        }
                    } finally {
                        inFlight.release();
                    }
                });
            }
            inFlight.acquire(CEILING);
        }
        List<Instant> times = sim.accepted().stream().filter(m -> m.bizOpaqueCallbackData().startsWith(prefix))
                .map(SentMessage::acceptedAt).sorted().toList();
        if (failed.get() > 0) {
            System.out.println("baseline: " + failed.get() + " calls failed");
        }
        return Result.of("baseline (bare paced client, no Kafka)", times, throttled.get());
    }

    private record Result(String name, int messages, double overall, double steady, long throttled) {
        /** Overall: first to last acceptance; steady: between the 10th and the 90th percentile of them. */
        static Result of(String name, List<Instant> times, long throttled) {
            int n = times.size();
            double overall = (n - 1) / seconds(times.get(0), times.get(n - 1));
            int from = n / 10;
            int to = n * 9 / 10;
            double steady = (to - from) / seconds(times.get(from), times.get(to));
            return new Result(name, n, overall, steady, throttled);
        }

        private static double seconds(Instant a, Instant b) {
            return Math.max(1, Duration.between(a, b).toMillis()) / 1000.0;
        }

        void print() {
            System.out.printf("%-40s %6d msgs  overall %7.1f msg/s (%.2f of ceiling)  steady %7.1f msg/s (%.2f of ceiling)  130429: %d%n",
                    name, messages, overall, overall / CEILING, steady, steady / CEILING, throttled);
        }
    }
}
