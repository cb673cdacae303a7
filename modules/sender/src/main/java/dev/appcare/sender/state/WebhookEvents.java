package dev.appcare.sender.state;

import dev.appcare.avro.WebhookEventClaim;
import dev.appcare.avro.WebhookEventStep;
import dev.appcare.sender.state.WebhookEventRule.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Webhook dedup for every sender instance, surviving restarts: {@code sender.webhook-event.v1} (read whole,
 * kept one week, the window of Meta's retries) records each event's claim, and an event is applied by the
 * one instance whose claim comes first in the log ({@link WebhookEventRule}).
 *
 * <p>Per delivery: if the view shows the event DONE it is a duplicate; else a CLAIMED record is written
 * <em>before</em> anything is applied, the view reads the log past it, and only the claim the log put first
 * applies the event (the others: a duplicate if it is DONE by then, else in progress elsewhere, answered
 * 500 so that Meta retries); its records acknowledged, it writes DONE (or RELEASED if they failed, so Meta's retry
 * is applied). A claim never finished (its claimer killed in between) is taken over after {@code takeover}.
 * The key is a SHA-256 digest of the event's identity, never the identity itself: an inbound wamid can
 * encode the sender's phone number. Entries older than the topic's retention are pruned from the store
 * ({@link #prune}), so the store holds what the topic holds.
 */
public final class WebhookEvents extends WholeTopicView<WebhookEventClaim> implements EventDedup {
    private final RecordWriter writer;
    private final LongSupplier clock;
    private final Duration takeover;
    private final String instanceId;
    private final AtomicLong claims = new AtomicLong();
    /**
     * Where each step after a write or a read-back runs: never on the producer's I/O thread (a send there
     * that needs metadata blocks the very thread that would fetch it) nor on the reader thread, which holds
     * this view's lock while it completes read-backs.
     */
    private final ExecutorService steps = Executors.newVirtualThreadPerTaskExecutor();

    public WebhookEvents(String topic, Consumer<String, byte[]> consumer, Deserializer<WebhookEventClaim> deserializer,
                         RecordWriter writer, StateStores stores, String instanceId, LongSupplier clock, Duration takeover) {
        super("sender-webhook-event-reader", topic, consumer, deserializer, stores, "webhook-events");
        this.writer = writer;
        this.instanceId = instanceId;
        this.clock = clock;
        this.takeover = takeover;
    }

    @Override
    protected void apply(int partition, String key, WebhookEventClaim record) {
        WebhookEventClaim recorded = recorded(key);
        WebhookEventClaim next = WebhookEventRule.apply(recorded, record, takeover);
        if (next == null) {
            store().delete(key);
        } else if (next != recorded) {
            store().put(key, AvroBytes.encode(next::toByteBuffer));
        }
    }

    private WebhookEventClaim recorded(String key) {
        return AvroBytes.decode(store().get(key), WebhookEventClaim::fromByteBuffer);
    }

    private synchronized WebhookEventClaim state(String key) {
        return store() == null ? null : recorded(key);
    }

    @Override
    public CompletableFuture<Outcome> once(String eventId, Supplier<? extends CompletableFuture<?>> effects) {
        String key = digest(eventId);
        if (WebhookEventRule.decide(state(key), clock.getAsLong(), takeover) == Verdict.DUPLICATE) {
            return CompletableFuture.completedFuture(Outcome.DUPLICATE);
        }
        // Not known as applied here: claim it. If this view was behind, the log has the earlier claim (or
        // DONE) before ours, and reading past ours shows it: a losing claim changes nothing (the rule).
        String claim = instanceId + "-" + claims.incrementAndGet();
        return writer.webhookEvent(key, record(WebhookEventStep.CLAIMED, claim))
                .thenComposeAsync(written -> readPast(written.partition(), written.offset()), steps)
                .thenComposeAsync(readBack -> {
                    WebhookEventClaim recorded = state(key);
                    if (!WebhookEventRule.won(recorded, claim)) { // an earlier claim in the log
                        return verdictOutcome(WebhookEventRule.decide(recorded, clock.getAsLong(), takeover), key);
                    }
                    return apply(key, claim, effects);
                }, steps);
    }

    private CompletableFuture<Outcome> apply(String key, String claim, Supplier<? extends CompletableFuture<?>> effects) {
        return EventDedup.start(effects).handle((ok, failure) -> failure).thenComposeAsync(failure -> {
            if (failure == null) {
                // Applied: DONE must reach the log, or a retry after the takeover time would apply it again.
                return writer.reliably("webhook event DONE",
                        () -> writer.webhookEvent(key, record(WebhookEventStep.DONE, claim))).thenApply(done -> Outcome.APPLIED);
            }
            return writer.webhookEvent(key, record(WebhookEventStep.RELEASED, claim))
                    .handle((m, e) -> m) // not written: the claim goes stale and is taken over after the takeover time
                    .thenCompose(m -> CompletableFuture.failedFuture(failure));
        }, steps);
    }

    private static CompletableFuture<Outcome> verdictOutcome(Verdict verdict, String key) {
        return verdict == Verdict.DUPLICATE ? CompletableFuture.completedFuture(Outcome.DUPLICATE)
                : CompletableFuture.failedFuture(new InProgressException(key));
    }

    private WebhookEventClaim record(WebhookEventStep step, String claim) {
        return WebhookEventClaim.newBuilder().setStep(step).setClaim(claim)
                .setAt(Instant.ofEpochMilli(clock.getAsLong())).build();
    }

    /** Forgets events recorded longer than {@code window} ago (the topic's retention); returns how many. */
    public synchronized int prune(long now, Duration window) {
        KvStore store = store();
        if (store == null) {
            return 0;
        }
        List<String> old = new ArrayList<>();
        store.scan("", (key, bytes) -> {
            WebhookEventClaim claim = AvroBytes.decode(bytes, WebhookEventClaim::fromByteBuffer);
            if (now - claim.getAt().toEpochMilli() > window.toMillis()) {
                old.add(key);
            }
        });
        old.forEach(store::delete);
        return old.size();
    }

    @Override
    public void close() {
        super.close();
        steps.shutdownNow();
    }

    /** The key of an event: a digest of its identity (wamids can encode a phone number). */
    static String digest(String eventId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(eventId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
