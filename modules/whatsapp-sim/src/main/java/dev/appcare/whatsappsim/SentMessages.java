package dev.appcare.whatsappsim;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulator accepted and refused: the bounded logs of accepted messages (by order, recipient and
 * wamid) and of refused requests, and the unbounded counters. Thread-safe.
 */
final class SentMessages {

    private static final int REJECTION_LOG_CAPACITY = 10_000;

    private final ConcurrentLinkedDeque<SentMessage> accepted = new ConcurrentLinkedDeque<>();
    private final AtomicInteger acceptedSize = new AtomicInteger();
    private final Map<String, ConcurrentLinkedDeque<SentMessage>> acceptedByRecipient = new ConcurrentHashMap<>();
    private final Map<String, SentMessage> acceptedByWamid = new ConcurrentHashMap<>();
    private final LongAdder acceptedTotal = new LongAdder();
    private final Map<Integer, LongAdder> rejectionsByCode = new ConcurrentHashMap<>();
    private final LongAdder rejectedTotal = new LongAdder();
    private final ConcurrentLinkedDeque<SendRejection> rejections = new ConcurrentLinkedDeque<>();
    private final AtomicInteger rejectionsSize = new AtomicInteger();

    /** Records an accepted message, forgetting the oldest one beyond {@code maxRecorded}. */
    void accepted(SentMessage m, int maxRecorded) {
        accepted.addLast(m);
        acceptedByWamid.put(m.wamid(), m);
        // compute(): adding and the eviction below never race on one recipient's list
        acceptedByRecipient.compute(m.waId(), (k, list) -> {
            ConcurrentLinkedDeque<SentMessage> l = list != null ? list : new ConcurrentLinkedDeque<>();
            l.addLast(m);
            return l;
        });
        acceptedTotal.increment();
        if (acceptedSize.incrementAndGet() > maxRecorded) {
            SentMessage oldest = accepted.pollFirst();
            if (oldest != null) {
                acceptedSize.decrementAndGet();
                acceptedByWamid.remove(oldest.wamid());
                acceptedByRecipient.computeIfPresent(oldest.waId(), (k, list) -> {
                    list.remove(oldest);
                    return list.isEmpty() ? null : list;
                });
            }
        }
    }

    /** Records a refused request in the counters and the log of the latest 10,000. */
    void refused(SendRejection r) {
        rejectedTotal.increment();
        rejectionsByCode.computeIfAbsent(r.code(), c -> new LongAdder()).increment();
        rejections.addLast(r);
        if (rejectionsSize.incrementAndGet() > REJECTION_LOG_CAPACITY && rejections.pollFirst() != null) {
            rejectionsSize.decrementAndGet();
        }
    }

    List<SentMessage> accepted() {
        return List.copyOf(accepted);
    }

    /** Accepted messages to this WhatsApp id (digits only), oldest first. */
    List<SentMessage> acceptedFor(String waId) {
        Collection<SentMessage> list = acceptedByRecipient.get(waId);
        return list == null ? List.of() : List.copyOf(list);
    }

    /** The latest accepted message to this WhatsApp id (digits only), if any is still recorded. */
    Optional<SentMessage> lastTo(String waId) {
        ConcurrentLinkedDeque<SentMessage> list = acceptedByRecipient.get(waId);
        return Optional.ofNullable(list == null ? null : list.peekLast());
    }

    Optional<SentMessage> byWamid(String wamid) {
        return Optional.ofNullable(acceptedByWamid.get(wamid));
    }

    long acceptedCount() {
        return acceptedTotal.sum();
    }

    long rejectedCount() {
        return rejectedTotal.sum();
    }

    Map<Integer, Long> rejectionCounts() {
        Map<Integer, Long> m = new TreeMap<>();
        rejectionsByCode.forEach((code, n) -> m.put(code, n.sum()));
        return Collections.unmodifiableMap(m);
    }

    long rejectionCount(int code) {
        LongAdder n = rejectionsByCode.get(code);
        return n == null ? 0 : n.sum();
    }

    List<SendRejection> rejections() {
        return List.copyOf(rejections);
    }

    void reset() {
        accepted.clear();
        acceptedSize.set(0);
        acceptedByRecipient.clear();
        acceptedByWamid.clear();
        acceptedTotal.reset();
        rejectionsByCode.clear();
        rejectedTotal.reset();
        rejections.clear();
        rejectionsSize.set(0);
    }
}
