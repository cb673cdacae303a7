package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldCommitOnlyUpToTheOldestUnfinishedRequest() {
        for (long o = 10; o < 15; o++) {
            tracker.track(p0, o);
        }
        tracker.complete(p0, 11);
        tracker.complete(p0, 12);
        assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(10));
        tracker.complete(p0, 10);
        assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(13));
        tracker.complete(p0, 13);
        tracker.complete(p0, 14);
        assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(15));
    }

    @Test
    void shouldOfferAnOffsetOnlyOnceItMoved() {
        tracker.track(p0, 0);
        tracker.complete(p0, 0);
        var first = tracker.committable(null);
        assertThat(first).containsEntry(p0, new OffsetAndMetadata(1));
        tracker.committed(first);
        assertThat(tracker.committable(null)).isEmpty();
    }

    @Test
    void shouldCountPendingPerPartitionForBackpressureAndForgetRevokedOnes() {
        tracker.track(p0, 0);
        tracker.track(p0, 1);
        tracker.track(p1, 0);
        assertThat(tracker.pending(p0)).isEqualTo(2);
        assertThat(tracker.totalPending()).isEqualTo(3);
        assertThat(tracker.committable(List.of(p1))).containsOnlyKeys(p1);
        tracker.remove(List.of(p0));
        assertThat(tracker.totalPending()).isEqualTo(1);
        tracker.complete(p0, 0); // a late completion for a revoked partition is ignored
        assertThat(tracker.totalPending()).isEqualTo(1);
    }

    @Test
    void shouldNotCommitPastAHoldWhileRecordsBeforeItWereSkipped() {
        tracker.track(p0, 10);
        tracker.complete(p0, 10);
        tracker.holdAt(p0, 11); // 11.. skipped for now; 500 (URGENT) taken ahead and done
        tracker.track(p0, 500);
        tracker.complete(p0, 500);
        assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(11));
        tracker.release(p0);
        assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(501));
    }
}
