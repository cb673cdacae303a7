package dev.appcare.notifier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.MessageKind;
import dev.appcare.notifier.rules.MessageBudget.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rule N12 as a table: kind, departure, what was sent, what is held back -> send or hold, why, until when. */
class MessageBudgetTest {
    private static final Instant T = Instant.parse("2026-11-23T06:00:00Z");
    private static final Instant DEPARTURE = T.plus(Duration.ofHours(3));
    private final MessageBudget budget = MessageBudget.DEFAULT;

    private static Instant at(long minutes) {
        return T.plus(Duration.ofMinutes(minutes));
    }

    private Verdict decide(MessageKind kind, Instant departure, long now, List<Instant> sent, Instant pendingDue) {
        return budget.decide(List.of(kind), departure, at(now), sent, pendingDue);
    }

    @Test
    void shouldSendTheFirstUpdateAndHoldTheNextOneUntilTheSpacingEnds() {
        assertThat(decide(MessageKind.GATE_CHANGE, DEPARTURE, 0, List.of(), null))
                .isEqualTo(new Verdict(true, DecisionReason.WITHIN_BUDGET, null));
        assertThat(decide(MessageKind.GATE_CHANGE, DEPARTURE, 2, List.of(at(0)), null))
                .isEqualTo(new Verdict(false, DecisionReason.SPACING, at(10)));
        assertThat(decide(MessageKind.DELAY, DEPARTURE, 9, List.of(at(0)), null))
                .isEqualTo(new Verdict(false, DecisionReason.SPACING, at(10)));
        assertThat(decide(MessageKind.DELAY, DEPARTURE, 10, List.of(at(0)), null))
                .isEqualTo(new Verdict(true, DecisionReason.WITHIN_BUDGET, null));
    }

    @Test
    void shouldMergeIntoAnUpdateAlreadyHeldBackEvenOnceItIsDue() {
        assertThat(decide(MessageKind.GATE_CHANGE, DEPARTURE, 11, List.of(at(0)), at(10)))
                .isEqualTo(new Verdict(false, DecisionReason.MERGED, at(10)));
    }

    @Test
    void shouldHoldTheFifthUpdateOfADayUntilTheFirstIsADayOld() {
        List<Instant> four = List.of(at(0), at(60), at(120), at(180));
        assertThat(decide(MessageKind.DELAY, DEPARTURE.plus(Duration.ofDays(1)), 240, four, null))
                .isEqualTo(new Verdict(false, DecisionReason.DAILY_LIMIT, at(24 * 60)));
        assertThat(decide(MessageKind.DELAY, DEPARTURE.plus(Duration.ofDays(1)), 24 * 60 + 1, four, null))
                .as("the first is over a day old: three in the last 24 h").isEqualTo(new Verdict(true, DecisionReason.WITHIN_BUDGET, null));
    }

    @Test
    void shouldLetUrgentNewsThroughWhateverWasSent() {
        List<Instant> four = List.of(at(0), at(1), at(2), at(3));
        for (MessageKind kind : List.of(MessageKind.CANCELLATION, MessageKind.BOARDING, MessageKind.DIVERSION)) {
            assertThat(decide(kind, DEPARTURE, 4, four, at(10))).as(kind.name())
                    .isEqualTo(new Verdict(true, DecisionReason.URGENT, null));
        }
        assertThat(decide(MessageKind.GATE_CHANGE, at(64), 4, four, null)).as("gate change exactly an hour before")
                .isEqualTo(new Verdict(true, DecisionReason.URGENT, null));
        assertThat(decide(MessageKind.GATE_CHANGE, at(65), 4, four, null)).as("gate change an hour and a minute before")
                .isEqualTo(new Verdict(false, DecisionReason.DAILY_LIMIT, at(24 * 60)));
        assertThat(budget.decide(List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE), at(30), at(4), four, null))
                .as("one urgent message takes the whole update through").isEqualTo(new Verdict(true, DecisionReason.URGENT, null));
    }

    @Test
    void shouldMergeIntoAGateChangeWhenAnyUpdateWasOne() {
        assertThat(MessageBudget.merged(MessageKind.GATE_CHANGE, MessageKind.DELAY)).isEqualTo(MessageKind.GATE_CHANGE);
        assertThat(MessageBudget.merged(MessageKind.DELAY, MessageKind.GATE_CHANGE)).isEqualTo(MessageKind.GATE_CHANGE);
        assertThat(MessageBudget.merged(MessageKind.DELAY, MessageKind.BACK_ON_TIME)).isEqualTo(MessageKind.BACK_ON_TIME);
    }

    @Test
    void shouldRememberOnlyTheLastDay() {
        assertThat(MessageBudget.recent(List.of(at(3), at(-24 * 60), at(1)), at(10))).containsExactly(at(1), at(3));
    }

    @Test
    void shouldNeverHoldAnythingWhenUnlimited() {
        List<Instant> many = List.of(at(0), at(1), at(2), at(3), at(4), at(5));
        assertThat(MessageBudget.UNLIMITED.decide(List.of(MessageKind.DELAY), DEPARTURE, at(5), many, null))
                .isEqualTo(new Verdict(true, DecisionReason.WITHIN_BUDGET, null));
    }

    @Test
    void shouldRefuseABudgetThatAllowsNothing() {
        assertThatThrownBy(() -> new MessageBudget(0, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one message a day");
    }
}
