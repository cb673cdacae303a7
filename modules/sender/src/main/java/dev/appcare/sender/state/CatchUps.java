package dev.appcare.sender.state;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link CompactedTopicView}'s pending catch-ups: each completes once the reader's position reached, in
 * every partition, the end offset it had when asked. A restore (an assignment) fails if one of its
 * partitions is released first; a plain catch-up no longer waits for a released partition. Reader thread only.
 */
final class CatchUps {
    private final String topic;
    private final List<CatchUp> pending = new ArrayList<>();

    private record CatchUp(CompletableFuture<Void> done, Map<TopicPartition, Long> targets, boolean restore) {
    }

    CatchUps(String topic) {
        this.topic = topic;
    }

    void add(CompletableFuture<Void> done, Map<TopicPartition, Long> ends, boolean restore) {
        pending.add(new CatchUp(done, ends, restore));
    }

    void completeSatisfied(Set<TopicPartition> assigned, ToLongFunction<TopicPartition> position) {
        Iterator<CatchUp> it = pending.iterator();
        while (it.hasNext()) {
            CatchUp request = it.next();
            boolean released = request.targets().keySet().stream().anyMatch(tp -> !assigned.contains(tp));
            if (released && request.restore()) {
                it.remove();
                request.done().completeExceptionally(new IllegalStateException(
                        "a partition of " + topic + " was released before it was restored"));
                continue;
            }
            boolean reached = request.targets().entrySet().stream()
                    .allMatch(e -> !assigned.contains(e.getKey()) || e.getValue() <= position.applyAsLong(e.getKey()));
            if (reached) {
                it.remove();
                request.done().complete(null);
            }
        }
    }

    void failAll(Throwable t) {
        pending.forEach(r -> r.done().completeExceptionally(t));
        pending.clear();
    }
}
