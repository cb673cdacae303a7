package dev.appcare.whatsappsim;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An open-loop load generator for the send endpoint: fires template sends at a fixed rate (each to a
 * different recipient, so only throughput limits apply) from a JDK HttpClient, with a bound on requests
 * in flight, and reports achieved rate, latency percentiles and peak concurrency. Used by
 * the benchmark driver {@code dev.appcare.bench.WhatsAppSimulatorBenchmark} and by {@code ThroughputTest}.
 */
public final class LoadBenchmark {

    /** Outcome of one run. */
    public record Result(int requested, long ok, long failed, long notSentBackpressure, Map<Integer, Long> byHttpStatus,
                         double seconds, double acceptedPerSecond, long p50Millis, long p99Millis, long maxMillis,
                         int peakInFlight) {
        @Override
        public String toString() {
            return String.format("requested %d, ok %d, failed %d, not sent (in-flight bound) %d, by status %s; "
                            + "%.2f s -> %.0f accepted msg/s; latency p50 %d ms, p99 %d ms, max %d ms; peak in flight %d",
                    requested, ok, failed, notSentBackpressure, byHttpStatus, seconds, acceptedPerSecond, p50Millis,
                    p99Millis, maxMillis, peakInFlight);
        }
    }

    private LoadBenchmark() {
    }

    /**
     * Sends {@code ratePerSecond × duration} requests at that rate to {@code messagesUrl} and waits for all
     * answers (at most {@code duration + 60 s}).
     */
    public static Result run(URI messagesUrl, String token, int ratePerSecond, Duration duration, int maxInFlight)
            throws InterruptedException {
        int total = (int) Math.max(1, ratePerSecond * duration.toMillis() / 1000);
        byte[][] bodies = new byte[total][];
        for (int i = 0; i < total; i++) {
            bodies[i] = body(String.format("3169%08d", i)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        long[] latencies = new long[total];
        Arrays.fill(latencies, -1);
        Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder notSent = new LongAdder();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Semaphore permits = new Semaphore(maxInFlight);
        CountDownLatch done = new CountDownLatch(total);
        AtomicLong firstSend = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong();

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                WhatsAppSimulator.threadFactory("whatsapp-sim-bench-ticker-"));
        ExecutorService httpExecutor = Executors.newFixedThreadPool(2,
                WhatsAppSimulator.threadFactory("whatsapp-sim-bench-http-"));
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(httpExecutor)
                .build()) {
            long start = System.nanoTime();
            firstSend.set(start);
            AtomicInteger next = new AtomicInteger();
            ticker.scheduleAtFixedRate(() -> {
                long due = Math.min(total, (System.nanoTime() - start) * ratePerSecond / 1_000_000_000L + 1);
                while (next.get() < due) {
                    int i = next.getAndIncrement();
                    if (!permits.tryAcquire()) {
                        notSent.increment();
                        done.countDown();
                        continue;
                    }
                    int now = inFlight.incrementAndGet();
                    peak.accumulateAndGet(now, Math::max);
                    long sentAt = System.nanoTime();
                    HttpRequest request = HttpRequest.newBuilder(messagesUrl)
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[i]))
                            .build();
                    client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                        long end = System.nanoTime();
                        latencies[i] = end - sentAt;
                        lastAnswer.accumulateAndGet(end, Math::max);
                        int status = r != null ? r.statusCode() : 0;
                        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
                        if (status == 200) {
                            ok.increment();
                        } else {
                            failed.increment();
                        }
                        inFlight.decrementAndGet();
                        permits.release();
                        done.countDown();
                    });
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            boolean finished = done.await(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS);
            ticker.shutdownNow();
            if (!finished) {
                throw new IllegalStateException("Not all answers arrived within the time limit");
            }
            double seconds = Math.max(1, lastAnswer.get() - firstSend.get()) / 1e9;
            long[] measured = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
            Map<Integer, Long> statuses = new TreeMap<>();
            byStatus.forEach((s, n) -> statuses.put(s, n.sum()));
            return new Result(total, ok.sum(), failed.sum(), notSent.sum(), statuses, seconds, ok.sum() / seconds,
                    percentileMillis(measured, 0.50), percentileMillis(measured, 0.99),
                    measured.length == 0 ? 0 : measured[measured.length - 1] / 1_000_000, peak.get());
        } finally {
            ticker.shutdownNow();
            httpExecutor.shutdownNow();
        }
    }

    private static long percentileMillis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000;
    }

    private static String body(String to) {
        return "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"" + to + "\","
                + "\"type\":\"template\",\"biz_opaque_callback_data\":\"bench-" + to + "\","
                + "\"template\":{\"name\":\"gate_change\",\"language\":{\"code\":\"en\"},\"components\":[{\"type\":\"body\","
                + "\"parameters\":[{\"type\":\"text\",\"text\":\"Anna\"},{\"type\":\"text\",\"text\":\"KL1234\"},"
                + "{\"type\":\"text\",\"text\":\"Rome\"},{\"type\":\"text\",\"text\":\"D7\"}]}]}}";
    }
}
