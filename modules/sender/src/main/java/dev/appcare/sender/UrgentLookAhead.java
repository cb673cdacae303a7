package dev.appcare.sender;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Urgent first, even in a storm (rule N9): a request partition whose buffer is full is not simply
 * paused (an URGENT request behind 50,000 NORMAL ones would then wait for all of them to be taken in).
 * Instead its reading goes on in <em>scan</em> mode, taking in only URGENT requests and skipping the
 * rest; once the buffer has drained to half, the consumer seeks back and <em>fills</em> from the first
 * skipped offset, passing over the URGENT ones already taken, until the buffer is full again (back to
 * scanning from where the scan stopped) or the fill reaches the scan point (back to plain reading).
 *
 * <pre>
 *  offsets:  ...taken...| fillFrom ......skipped NORMAL, taken URGENT...... | scanNext ...not read yet...
 *  commit:   never past fillFrom (OffsetTracker.holdAt): everything before a committed offset is done
 * </pre>
 *
 * Skipped records are read again (and decoded again) when filled: that is the price, about one extra
 * read of the backlog per buffer's worth, bounded by Kafka's fetch speed, not by the send rate. Memory
 * stays bounded: the buffer plus the URGENT requests taken ahead (the poll loop pauses a partition whose
 * unfinished requests pass twice its share of the buffer and a poll). Poll thread only.
 */
final class UrgentLookAhead {
    /** What to do with one record read from a partition. */
    enum Take {
        /** Take it in (plain reading, or filling). */
        TAKE,
        /** Scanning: an URGENT request, taken in ahead of the skipped ones. */
        TAKE_AHEAD,
        /** Scanning past a non-urgent record (read again when filling), or filling over one taken ahead. */
        SKIP
    }

    private static final class State {
        long fillFrom;
        long scanNext;
        boolean filling;
        final Set<Long> takenAhead = new HashSet<>();
    }

    private final OffsetTracker offsets;
    private final Map<TopicPartition, State> states = new HashMap<>();

    UrgentLookAhead(OffsetTracker offsets) {
        this.offsets = offsets;
    }

    /** Decides about the record at {@code offset} ({@code urgent}: an URGENT request, not a replay). */
    Take onRecord(TopicPartition tp, long offset, boolean urgent) {
        State st = states.get(tp);
        if (st == null) {
            return Take.TAKE;
        }
        if (!st.filling) {
            st.scanNext = offset + 1;
            if (urgent) {
                st.takenAhead.add(offset);
                return Take.TAKE_AHEAD;
            }
            return Take.SKIP;
        }
        if (offset >= st.scanNext) {
            // The fill caught up with the scan: plain reading from here on.
            states.remove(tp);
            offsets.release(tp);
            return Take.TAKE;
        }
        st.fillFrom = offset + 1;
        offsets.holdAt(tp, st.fillFrom);
        return st.takenAhead.remove(offset) ? Take.SKIP : Take.TAKE;
    }

    /**
     * The partition's buffer is full; {@code position} is the next offset the consumer would read.
     * Returns where the consumer must seek to (null: stay).
     */
    Long full(TopicPartition tp, long position) {
        State st = states.get(tp);
        if (st == null) {
            st = new State();
            st.fillFrom = position;
            st.scanNext = position;
            states.put(tp, st);
            offsets.holdAt(tp, position);
            return null;
        }
        if (st.filling) {
            st.filling = false;
            st.fillFrom = position;
            offsets.holdAt(tp, position);
            return st.scanNext;
        }
        return null;
    }

    /** The partition's buffer drained to half: where to seek to, to fill from the first skipped record (null: stay). */
    Long drained(TopicPartition tp) {
        State st = states.get(tp);
        if (st == null || st.filling) {
            return null;
        }
        st.filling = true;
        return st.fillFrom;
    }

    boolean active(TopicPartition tp) {
        return states.containsKey(tp);
    }

    /** The partitions are no longer ours. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(states::remove);
    }
}
