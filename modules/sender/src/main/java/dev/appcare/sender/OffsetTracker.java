package dev.appcare.sender;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which request offsets may be committed. Requests finish out of order (priorities, retries, pair-rate
 * waits), but a committed offset means "everything before it is recorded", so a partition's committable
 * offset is its oldest unfinished request (or one past the newest seen, when none is unfinished).
 * Thread-safe: the poll thread tracks and commits, attempt threads complete.
 */
final class OffsetTracker {
    private static final class PartitionState {
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1;
        long committed = -1;
        /** No commit past this offset (records before it not yet taken in: {@link UrgentLookAhead}); -1 = none. */
        long hold = -1;

        long committable() {
            long offset = pending.isEmpty() ? next : pending.first();
            return hold >= 0 ? Math.min(offset, hold) : offset;
        }
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private int totalPending;

    synchronized void assigned(Collection<TopicPartition> assigned) {
        assigned.forEach(tp -> partitions.computeIfAbsent(tp, k -> new PartitionState()));
    }

    /** A request at {@code offset} was taken in and is not finished. */
    synchronized void track(TopicPartition tp, long offset) {
        PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState());
        if (state.pending.add(offset)) {
            totalPending++;
        }
        state.next = Math.max(state.next, offset + 1);
    }

    /**
     * Records from {@code offset} on were not all taken in (some were skipped to read URGENT ones
     * first): nothing at or past it is committed until {@link #release}.
     */
    synchronized void holdAt(TopicPartition tp, long offset) {
        partitions.computeIfAbsent(tp, k -> new PartitionState()).hold = offset;
    }

    synchronized void release(TopicPartition tp) {
        PartitionState state = partitions.get(tp);
        if (state != null) {
            state.hold = -1;
        }
    }

    /** The request at {@code offset} is finished and its outcome recorded. */
    synchronized void complete(TopicPartition tp, long offset) {
        PartitionState state = partitions.get(tp);
        if (state != null && state.pending.remove(offset)) {
            totalPending--;
        }
    }

    /** Offsets worth committing now: those that moved since the last commit. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        partitions.forEach((tp, state) -> {
            long offset = state.committable();
            if ((only == null || only.contains(tp)) && offset >= 0 && offset > state.committed) {
                result.put(tp, new OffsetAndMetadata(offset));
            }
        });
        return result;
    }

    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            PartitionState state = partitions.get(tp);
            if (state != null) {
                state.committed = Math.max(state.committed, om.offset());
            }
        });
    }

    /** Forgets partitions this instance no longer owns. */
    synchronized void remove(Collection<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.remove(tp);
            if (state != null) {
                totalPending -= state.pending.size();
            }
        }
    }

    synchronized int pending(TopicPartition tp) {
        PartitionState state = partitions.get(tp);
        return state == null ? 0 : state.pending.size();
    }

    synchronized int totalPending() {
        return totalPending;
    }
}
