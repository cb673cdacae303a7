package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.sender.UrgentLookAhead.Take;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class UrgentLookAheadTest {
    private final TopicPartition tp = new TopicPartition("requests", 0);
    private final OffsetTracker offsets = new OffsetTracker();
    private final UrgentLookAhead lookAhead = new UrgentLookAhead(offsets);

    @Test
    void shouldScanForUrgentThenFillFromTheFirstSkippedRecordWithoutTakingAnythingTwice() {
        assertThat(lookAhead.onRecord(tp, 0, false)).isEqualTo(Take.TAKE);
        offsets.track(tp, 0);
        offsets.complete(tp, 0);
        assertThat(lookAhead.full(tp, 1)).as("scan from where it is").isNull();

        assertThat(lookAhead.onRecord(tp, 1, false)).isEqualTo(Take.SKIP);
        assertThat(lookAhead.onRecord(tp, 2, true)).isEqualTo(Take.TAKE_AHEAD);
        assertThat(lookAhead.onRecord(tp, 3, false)).isEqualTo(Take.SKIP);
        offsets.track(tp, 2);
        offsets.complete(tp, 2);
        assertThat(offsets.committable(null)).as("1 is not done").containsEntry(tp, new OffsetAndMetadata(1));

        assertThat(lookAhead.drained(tp)).as("seek back to the first skipped").isEqualTo(1L);
        assertThat(lookAhead.onRecord(tp, 1, false)).isEqualTo(Take.TAKE);
        assertThat(lookAhead.onRecord(tp, 2, true)).as("taken ahead already").isEqualTo(Take.SKIP);
        assertThat(lookAhead.full(tp, 3)).as("full again: back to the scan point").isEqualTo(4L);
        assertThat(lookAhead.onRecord(tp, 4, true)).isEqualTo(Take.TAKE_AHEAD);
        assertThat(lookAhead.drained(tp)).isEqualTo(3L);
        assertThat(lookAhead.onRecord(tp, 3, false)).isEqualTo(Take.TAKE);
        assertThat(lookAhead.onRecord(tp, 4, true)).isEqualTo(Take.SKIP);
        assertThat(lookAhead.onRecord(tp, 5, false)).as("caught up: plain reading").isEqualTo(Take.TAKE);
        assertThat(lookAhead.active(tp)).isFalse();
        for (long o : new long[] {1, 3, 4, 5}) {
            offsets.track(tp, o);
            offsets.complete(tp, o);
        }
        assertThat(offsets.committable(null)).containsEntry(tp, new OffsetAndMetadata(6));
    }
}
