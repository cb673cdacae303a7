package dev.appcare.sender;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The request consumer's backpressure (poll thread only): memory stays bounded at about
 * {@code sender.max-buffered} unfinished requests, Kafka holds the rest. A full partition is read on for
 * URGENT requests only ({@link UrgentLookAhead}) and paused only when those taken ahead pile up past
 * twice its share and a poll;
 * without the look-ahead ({@code sender.urgent-look-ahead=false}) it is paused when full and resumed below
 * half. A partition whose record could not be decoded because the registry is down is paused for a second.
 */
final class Backpressure {
    private final SenderConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final OffsetTracker offsets;
    private final UrgentLookAhead lookAhead;
    private final Set<TopicPartition> pausedForBackpressure = new HashSet<>();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final int maxPollRecords;

    Backpressure(SenderConfig config, Consumer<byte[], byte[]> consumer, OffsetTracker offsets) {
        this.maxPollRecords = Integer.parseInt(String.valueOf(config.kafkaOverrides().getOrDefault("max.poll.records", 500)));
        this.config = config;
        this.consumer = consumer;
        this.offsets = offsets;
        this.lookAhead = new UrgentLookAhead(offsets);
    }

    /** What to do with a record read ({@link UrgentLookAhead#onRecord}). */
    UrgentLookAhead.Take onRecord(TopicPartition tp, long offset, boolean urgent) {
        return lookAhead.onRecord(tp, offset, urgent);
    }

    /** The registry is down: read this partition again in a second (the caller seeked back). */
    void pauseForRegistry(TopicPartition tp) {
        consumer.pause(List.of(tp));
        pausedUntil.put(tp, System.currentTimeMillis() + 1_000);
    }

    /** After each poll: pause, resume, scan or fill each partition by how much of it is unfinished. */
    void apply() {
        Set<TopicPartition> assignment = consumer.assignment();
        if (assignment.isEmpty()) {
            return;
        }
        int total = offsets.totalPending();
        int perPartition = Math.max(100, config.maxBuffered() / assignment.size());
        long now = System.currentTimeMillis();
        pausedUntil.entrySet().removeIf(e -> {
            if (e.getValue() <= now) {
                if (!pausedForBackpressure.contains(e.getKey()) && assignment.contains(e.getKey())) {
                    consumer.resume(List.of(e.getKey()));
                }
                return true;
            }
            return false;
        });
        for (TopicPartition tp : assignment) {
            int pending = offsets.pending(tp);
            boolean full = pending >= perPartition || total >= config.maxBuffered();
            if (config.urgentLookAhead()) {
                lookAheadOrPause(tp, full, pending, perPartition, total);
                continue;
            }
            boolean paused = pausedForBackpressure.contains(tp);
            if (!paused && full) {
                consumer.pause(List.of(tp));
                pausedForBackpressure.add(tp);
            } else if (paused && pending < perPartition / 2 && total < config.maxBuffered() * 3 / 4) {
                pausedForBackpressure.remove(tp);
                if (!pausedUntil.containsKey(tp)) {
                    consumer.resume(List.of(tp));
                }
            }
        }
    }

    /**
     * With {@link UrgentLookAhead}: a full partition goes on being read for URGENT requests only, and is
     * filled again from its first skipped record once drained to half; it is paused only when URGENT ones
     * taken ahead pile up past twice its share of the buffer and a poll (or the instance holds three times its buffer).
     */
    private void lookAheadOrPause(TopicPartition tp, boolean full, int pending, int perPartition, int total) {
        Long seekTo = null;
        if (full) {
            seekTo = lookAhead.full(tp, consumer.position(tp));
        } else if (pending < perPartition / 2 && total < config.maxBuffered() * 3 / 4) {
            seekTo = lookAhead.drained(tp);
        }
        if (seekTo != null) {
            consumer.seek(tp, seekTo);
        }
        boolean paused = pausedForBackpressure.contains(tp);
        // Memory bound: twice the partition's share of the buffer plus one poll's records. Pending falls as
        // requests are sent, so a partition paused here always resumes (URGENT ones taken ahead included).
        boolean overflowing = pending >= 2 * perPartition + maxPollRecords || total >= 3 * config.maxBuffered();
        if (!paused && overflowing) {
            consumer.pause(List.of(tp));
            pausedForBackpressure.add(tp);
        } else if (paused && !overflowing) {
            pausedForBackpressure.remove(tp);
            if (!pausedUntil.containsKey(tp)) {
                consumer.resume(List.of(tp));
            }
        }
    }

    /** The partitions are no longer ours. */
    void forget(Collection<TopicPartition> partitions) {
        lookAhead.forget(partitions);
        pausedForBackpressure.removeAll(partitions);
        pausedUntil.keySet().removeAll(partitions);
    }
}
