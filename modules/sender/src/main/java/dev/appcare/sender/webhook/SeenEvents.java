package dev.appcare.sender.webhook;

import dev.appcare.sender.state.EventDedup;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Webhook events already turned into records, so that a webhook Meta delivers twice (it does: delivery
 * is at least once, and it retries whenever our answer is slow) yields one status record.
 *
 * <p>An event is <em>claimed</em> before its record is written and released if the write fails (Meta will
 * retry it, and the retry must not be mistaken for a duplicate). Bounded (least recently seen go first)
 * and per instance, in memory: the sender itself uses {@link dev.appcare.sender.state.WebhookEvents}, which
 * holds across instances and restarts; this one serves tests of the processor that need no broker.
 * Hand-written rather than a cache library because it needs exactly this claim/release pair and nothing else.
 */
final class SeenEvents implements EventDedup {
    private final Map<String, Boolean> seen;

    SeenEvents(int capacity) {
        this.seen = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True if this call claimed the event (first delivery); false for a duplicate. */
    synchronized boolean claim(String event) {
        return seen.putIfAbsent(event, Boolean.TRUE) == null;
    }

    synchronized void release(String event) {
        seen.remove(event);
    }

    @Override
    public CompletableFuture<Outcome> once(String eventId, Supplier<? extends CompletableFuture<?>> effects) {
        if (!claim(eventId)) {
            return CompletableFuture.completedFuture(Outcome.DUPLICATE);
        }
        return EventDedup.start(effects).handle((ok, failure) -> failure).thenCompose(failure -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(Outcome.APPLIED);
            }
            release(eventId); // Meta's retry must be processed
            return CompletableFuture.failedFuture(failure);
        });
    }

    synchronized int size() {
        return seen.size();
    }
}
