package dev.appcare.ops.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What resetting a consumer group's offsets to a point in time does, per partition, worked out from
 * what the Admin API reports (committed offsets, the first offset at or after the time, log start and
 * end). Plain values: the shell fetches, these rules decide, the plan prints them.
 */
public final class OffsetReset {

    /**
     * One partition's reset.
     *
     * @param current  the group's committed offset now, null if it has none
     * @param target   where it would be reset to
     * @param logStart first offset still in the log
     * @param logEnd   next offset to be written
     */
    public record Partition(TopicPartition partition, Long current, long target, long logStart, long logEnd) {
        /** Records the group will read again (positive) or skip (negative); from the log start when it has no offset. */
        public long delta() {
            long from = current == null ? logStart : current;
            return from - target;
        }

        public boolean changes() {
            return current == null || current != target;
        }
    }

    private OffsetReset() {
    }

    /**
     * The target of one partition: the first offset whose timestamp is at or after the time, or the log
     * end when there is none ({@code offsetForTime} null or negative); never before the log start.
     */
    public static long target(Long offsetForTime, long logStart, long logEnd) {
        long target = offsetForTime == null || offsetForTime < 0 ? logEnd : offsetForTime;
        return Math.max(logStart, Math.min(target, logEnd));
    }

    public static List<Partition> plan(Collection<TopicPartition> partitions, Map<TopicPartition, Long> committed,
                                       Map<TopicPartition, Long> offsetsForTime, Map<TopicPartition, Long> logStarts,
                                       Map<TopicPartition, Long> logEnds) {
        Map<String, Partition> sorted = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            long start = logStarts.getOrDefault(tp, 0L);
            long end = logEnds.getOrDefault(tp, 0L);
            Partition p = new Partition(tp, committed.get(tp), target(offsetsForTime.get(tp), start, end), start, end);
            sorted.put(tp.topic() + String.format("/%06d", tp.partition()), p);
        }
        return new ArrayList<>(sorted.values());
    }

    /**
     * Why a reset must not run now, or null: a group with members would overwrite the new offsets with
     * its own on the next commit (and Kafka refuses to alter a non-empty group's offsets anyway).
     */
    public static String refusal(String group, String state, List<String> members) {
        if (!members.isEmpty()) {
            return "consumer group '" + group + "' has " + members.size() + " active member(s) (" + String.join(", ", members)
                    + "), state " + state + ": stop every instance of the role first, then run this again";
        }
        return null;
    }
}
