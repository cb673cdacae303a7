package dev.appcare.sender.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link CompactedTopicView} stands in each partition it holds: the next offset its reader will
 * apply, this instance's own writes the reader has not passed yet, and the futures waiting for the reader
 * to pass an offset. Not thread-safe: the view calls it holding its own lock.
 */
final class ViewPositions {
    private final String topic;
    /** Next offset the reader will apply, per held partition. */
    private final Map<Integer, Long> next = new HashMap<>();
    /** Offset of this instance's latest write per key, per partition, until the reader has passed it. */
    private final Map<Integer, Map<String, Long>> localWrites = new HashMap<>();
    private final List<ReadPast> waiters = new ArrayList<>();

    private record ReadPast(int partition, long offset, CompletableFuture<Void> done) {
    }

    ViewPositions(String topic) {
        this.topic = topic;
    }

    void open(int partition) {
        next.put(partition, 0L);
    }

    void drop(int partition) {
        next.remove(partition);
        localWrites.remove(partition);
        waiters.removeIf(w -> w.partition() == partition && w.done().completeExceptionally(
                new IllegalStateException(topic + "-" + partition + " was released")));
    }

    boolean holds(int partition) {
        return next.containsKey(partition);
    }

    Set<Integer> held() {
        return Set.copyOf(next.keySet());
    }

    /**
     * Whether this instance's acknowledged write at {@code offset} is to be applied now: not if the
     * partition is not held, nor if the reader already went past it (the view holds it or something newer).
     */
    boolean takeOwnWrite(int partition, String key, long offset) {
        Long position = next.get(partition);
        if (position == null || position > offset) {
            return false;
        }
        localWrites.computeIfAbsent(partition, p -> new HashMap<>()).merge(key, offset, Math::max);
        return true;
    }

    /**
     * Whether a record read at {@code offset} is to be applied: not if its partition was released meanwhile,
     * nor if it is older than a write of this instance already applied for the key. Advances either way.
     */
    boolean takeRead(int partition, String key, long offset) {
        if (!next.containsKey(partition)) {
            return false;
        }
        Map<String, Long> local = localWrites.get(partition);
        Long written = local == null ? null : local.get(key);
        boolean apply = true;
        if (written != null) {
            if (offset < written) {
                apply = false;
            } else {
                local.remove(key);
            }
        }
        return apply;
    }

    /** The reader applied (or skipped) everything before {@code nextOffset} in {@code partition}. */
    void advance(int partition, long nextOffset) {
        if (!next.containsKey(partition)) {
            return;
        }
        next.put(partition, nextOffset);
        if (!waiters.isEmpty()) {
            waiters.removeIf(w -> w.partition() == partition && w.offset() < nextOffset && w.done().complete(null));
        }
    }

    CompletableFuture<Void> readPast(int partition, long offset, Throwable failure) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Long position = next.get(partition);
        if (failure != null) {
            done.completeExceptionally(failure);
        } else if (position == null) {
            done.completeExceptionally(new IllegalStateException(topic + "-" + partition + " is not held here"));
        } else if (position > offset) {
            done.complete(null);
        } else {
            waiters.add(new ReadPast(partition, offset, done));
        }
        return done;
    }

    void failAll(Throwable t) {
        waiters.forEach(w -> w.done().completeExceptionally(t));
        waiters.clear();
    }
}
