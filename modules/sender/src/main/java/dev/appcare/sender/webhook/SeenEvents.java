package dev.appcare.sender.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Webhook events already turned into records, so that a webhook Meta delivers twice (it does: delivery
 * is at least once, and it retries whenever our answer is slow) yields one status record.
 *
 * <p>An event is <em>claimed</em> before its record is written and released if the write fails (Meta will
 * retry it, and the retry must not be mistaken for a duplicate). Bounded (least recently seen go first)
 * and per instance: two instances behind a load balancer can each write one copy, so readers of the
 * status topic should still treat (messageId, status) as idempotent. Hand-written rather than a cache
 * library because it needs exactly this claim/release pair and nothing else.
 */
final class SeenEvents {
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

    synchronized int size() {
        return seen.size();
    }
}
