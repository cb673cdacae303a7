package dev.appcare.ops.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetResetTest {
    private static final TopicPartition P0 = new TopicPartition("flight.status.v1", 0);
    private static final TopicPartition P1 = new TopicPartition("flight.status.v1", 1);
    private static final TopicPartition P2 = new TopicPartition("flight.status.v1", 2);

    @Test
    void shouldTargetTheFirstOffsetAtOrAfterTheTimeOrTheEnd() {
        assertThat(OffsetReset.target(40L, 0, 100)).isEqualTo(40);
        assertThat(OffsetReset.target(null, 0, 100)).as("nothing at or after the time").isEqualTo(100);
        assertThat(OffsetReset.target(-1L, 0, 100)).as("the Admin API's 'none'").isEqualTo(100);
        assertThat(OffsetReset.target(5L, 20, 100)).as("never before the log start").isEqualTo(20);
    }

    @Test
    void shouldPlanEachPartitionWithWhatTheGroupWouldReadAgain() {
        List<OffsetReset.Partition> plan = OffsetReset.plan(List.of(P2, P0, P1),
                Map.of(P0, 100L, P1, 30L), Map.of(P0, 40L, P1, 50L, P2, 7L), Map.of(P0, 0L, P1, 0L, P2, 0L),
                Map.of(P0, 100L, P1, 60L, P2, 9L));

        assertThat(plan).extracting(p -> p.partition().partition()).containsExactly(0, 1, 2);
        assertThat(plan.get(0).target()).isEqualTo(40);
        assertThat(plan.get(0).delta()).as("100 - 40 read again").isEqualTo(60);
        assertThat(plan.get(1).delta()).as("a later time skips forward").isEqualTo(-20);
        assertThat(plan.get(2).current()).isNull();
        assertThat(plan.get(2).delta()).as("no committed offset: counted from the log start").isEqualTo(-7);
        assertThat(plan.get(2).changes()).isTrue();
        assertThat(new OffsetReset.Partition(P0, 40L, 40, 0, 100).changes()).isFalse();
    }

    @Test
    void shouldRefuseWhileTheGroupHasMembers() {
        assertThat(OffsetReset.refusal("appcare-notifier", "EMPTY", List.of())).isNull();
        assertThat(OffsetReset.refusal("appcare-notifier", "STABLE", List.of("notifier-1@/127.0.0.1")))
                .contains("appcare-notifier").contains("1 active member").contains("stop every instance");
    }
}
