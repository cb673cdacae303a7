package dev.appcare.whatsappsim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Posts signed webhooks to the configured callback URL. Webhooks are submitted as chains (all statuses of
 * one message, in the order chosen for it); a chain posts one webhook at a time, waits for its due time,
 * and retries a POST that got a non-2xx answer or a connection error with exponential backoff before
 * moving on. Chains of different messages run concurrently, but at most {@code maxConcurrentPosts} POSTs
 * are open at once (a slow receiver builds a queue here instead of thousands of connections). A timer
 * thread only moves due posts to the ready queue; signing and posting run on the two webhook threads.
 * Nothing blocks a thread while waiting.
 */
final class WebhookDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** One webhook to post. {@code delay} counts from the end of the previous post of the chain. */
    record Post(String kind, String messageId, String status, byte[] body, Duration delay, boolean duplicate) {
    }

    /** Counters since the last reset. */
    record Counters(long posted, long delivered, long failedAttempts, long gaveUp, long duplicates,
                    long skippedWithoutUrl, int inFlightChains) {
    }

    /** A post whose time has come, waiting for a free connection slot. */
    private record Ready(List<Post> chain, int index, long gen, int attempt) {
    }

    private final ScheduledExecutorService scheduler;
    private final int logCapacity;
    private volatile SimulatorSettings.Webhooks settings;
    private final ExecutorService httpExecutor;
    private final HttpClient client;
    private final AtomicInteger chainsInFlight = new AtomicInteger();
    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentLinkedQueue<Ready> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger postsInFlight = new AtomicInteger();
    private final ConcurrentLinkedDeque<WebhookDelivery> deliveries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger deliveriesSize = new AtomicInteger();
    private final LongAdder posted = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final LongAdder gaveUp = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private volatile boolean closed;

    WebhookDispatcher(ScheduledExecutorService scheduler, SimulatorSettings.Webhooks settings, int logCapacity) {
        this.scheduler = scheduler;
        this.settings = settings;
        this.logCapacity = logCapacity;
        this.httpExecutor = Executors.newFixedThreadPool(2, WhatsAppSimulator.threadFactory("whatsapp-sim-webhook-"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(httpExecutor)
                .build();
    }

    /** Where to post, with which secret and retries, from now on. */
    void settings(SimulatorSettings.Webhooks s) {
        this.settings = s;
    }

    /** Queues a chain of posts; the first one is due after its own delay. */
    void submit(List<Post> chain) {
        if (closed || chain.isEmpty()) {
            return;
        }
        chainsInFlight.incrementAndGet();
        long gen = generation.get();
        scheduleStep(new ArrayList<>(chain), 0, gen);
    }

    private void scheduleStep(List<Post> chain, int index, long gen) {
        if (index >= chain.size() || closed || gen != generation.get()) {
            chainsInFlight.decrementAndGet();
            return;
        }
        Post post = chain.get(index);
        later(new Ready(chain, index, gen, 1), post.delay().toNanos());
    }

    /** After the delay, the post joins the ready queue (the timer thread does no other work). */
    private void later(Ready r, long delayNanos) {
        try {
            if (delayNanos <= 0) {
                enqueue(r);
            } else {
                scheduler.schedule(() -> enqueue(r), delayNanos, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            chainsInFlight.decrementAndGet();
        }
    }

    private void enqueue(Ready r) {
        ready.add(r);
        drain();
    }

    /** Starts ready posts while fewer than maxConcurrentPosts are in flight (on the webhook threads). */
    private void drain() {
        while (!ready.isEmpty()) {
            int inFlight = postsInFlight.get();
            if (inFlight >= settings.maxConcurrentPosts()) {
                return; // a finishing post calls drain() again
            }
            if (!postsInFlight.compareAndSet(inFlight, inFlight + 1)) {
                continue;
            }
            Ready r = ready.poll();
            if (r == null) {
                postsInFlight.decrementAndGet();
                continue;
            }
            try {
                httpExecutor.execute(() -> attempt(r.chain(), r.index(), r.gen(), r.attempt()));
            } catch (RejectedExecutionException e) {
                postsInFlight.decrementAndGet();
                chainsInFlight.decrementAndGet();
            }
        }
    }

    /** Called exactly once per started attempt, when it is over. */
    private void slotFreed() {
        postsInFlight.decrementAndGet();
        drain();
    }

    private void attempt(List<Post> chain, int index, long gen, int attempt) {
        if (closed || gen != generation.get()) {
            chainsInFlight.decrementAndGet();
            slotFreed();
            return;
        }
        Post post = chain.get(index);
        SimulatorSettings.Webhooks current = settings;
        URI target = current.url();
        if (target == null) {
            skipped.increment();
            slotFreed();
            scheduleStep(chain, index + 1, gen);
            return;
        }
        String signature = WebhookSigner.signatureHeader(current.appSecret(), post.body());
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(current.timeout())
                .header("Content-Type", "application/json")
                .header(WebhookSigner.HEADER, signature)
                .header("User-Agent", "facebookexternalua")
                .POST(HttpRequest.BodyPublishers.ofByteArray(post.body()))
                .build();
        posted.increment();
        if (post.duplicate() && attempt == 1) {
            duplicates.increment();
        }
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        slotFreed();
                        int status = response != null ? response.statusCode() : 0;
                        boolean ok = status >= 200 && status < 300;
                        if (ok) {
                            delivered.increment();
                            record(post, attempt, status, true, signature);
                            scheduleStep(chain, index + 1, gen);
                            return;
                        }
                        failedAttempts.increment();
                        SimulatorSettings.Webhooks s = settings;
                        if (attempt < s.maxAttempts() && !closed && gen == generation.get()) {
                            long backoff = s.retryBackoff().toNanos() << Math.min(attempt - 1, 20);
                            log.debug("Webhook {} {} to {} failed (HTTP {}{}), retry {} in {} ms", post.status(),
                                    post.messageId(), target, status, error != null ? ", " + error : "",
                                    attempt + 1, TimeUnit.NANOSECONDS.toMillis(backoff));
                            later(new Ready(chain, index, gen, attempt + 1), backoff);
                        } else {
                            gaveUp.increment();
                            log.warn("Webhook {} {} to {} given up after {} attempts (last HTTP {})", post.status(),
                                    post.messageId(), target, attempt, status);
                            record(post, attempt, status, false, signature);
                            scheduleStep(chain, index + 1, gen);
                        }
                    });
        } catch (RuntimeException e) { // client already shut down
            chainsInFlight.decrementAndGet();
            slotFreed();
        }
    }

    private void record(Post post, int attempts, int status, boolean ok, String signature) {
        deliveries.addLast(new WebhookDelivery(post.kind(), post.messageId(), post.status(), attempts, status, ok,
                post.duplicate(), Instant.now(), new String(post.body(), StandardCharsets.UTF_8), signature));
        if (deliveriesSize.incrementAndGet() > logCapacity) {
            if (deliveries.pollFirst() != null) {
                deliveriesSize.decrementAndGet();
            }
        }
    }

    List<WebhookDelivery> deliveries() {
        return List.copyOf(deliveries);
    }

    Counters counters() {
        return new Counters(posted.sum(), delivered.sum(), failedAttempts.sum(), gaveUp.sum(), duplicates.sum(),
                skipped.sum(), chainsInFlight.get());
    }

    /** Waits until no chain has posts left (or the timeout); true if idle. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (chainsInFlight.get() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Drops queued chains and the log. */
    void reset() {
        generation.incrementAndGet();
        drain(); // queued posts of the old generation finish quickly
        deliveries.clear();
        deliveriesSize.set(0);
        posted.reset();
        delivered.reset();
        failedAttempts.reset();
        gaveUp.reset();
        duplicates.reset();
        skipped.reset();
    }

    @Override
    public void close() {
        closed = true;
        generation.incrementAndGet();
        client.shutdownNow();
        httpExecutor.shutdownNow();
        try {
            client.awaitTermination(Duration.ofSeconds(2));
            httpExecutor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
