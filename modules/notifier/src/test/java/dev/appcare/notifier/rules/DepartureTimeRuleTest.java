package dev.appcare.notifier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.MessageKind;
import dev.appcare.notifier.rules.DepartureTimeRule.TimingChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DepartureTimeRuleTest {
    private static final Instant SCHEDULED = Instant.parse("2026-11-23T09:00:00Z");
    private final DepartureTimeRule rule = new DepartureTimeRule(Duration.ofMinutes(15));

    private static Instant at(long minutes) {
        return SCHEDULED.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void shouldIgnoreAMoveBelowTheThreshold() {
        assertThat(rule.decide(SCHEDULED, at(5), null)).isEmpty();
        assertThat(rule.decide(SCHEDULED, at(14), null)).isEmpty();
        assertThat(rule.decide(SCHEDULED, null, null)).isEmpty();
    }

    @Test
    void shouldExplainAMoveBelowTheThresholdForTheDecisionLog() {
        assertThat(rule.belowThreshold(SCHEDULED, at(5), null))
                .contains("departure 2026-11-23T09:05:00Z is 5 min from the 2026-11-23T09:00:00Z told, threshold 15 min");
        assertThat(rule.belowThreshold(SCHEDULED, at(40), at(45)))
                .contains("departure 2026-11-23T09:40:00Z is 5 min from the 2026-11-23T09:45:00Z told, threshold 15 min");
        assertThat(rule.belowThreshold(SCHEDULED, null, null)).as("nothing moved").isEmpty();
        assertThat(rule.belowThreshold(SCHEDULED, at(20), at(20))).as("as told").isEmpty();
        assertThat(rule.belowThreshold(SCHEDULED, at(15), null)).as("material: a DELAY, not a suppression").isEmpty();
    }

    @Test
    void shouldAnnounceADelayOfAtLeastTheThreshold() {
        assertThat(rule.decide(SCHEDULED, at(15), null))
                .contains(new TimingChange(MessageKind.DELAY, at(15), at(15)));
        assertThat(rule.decide(SCHEDULED, at(20), null))
                .contains(new TimingChange(MessageKind.DELAY, at(20), at(20)));
    }

    @Test
    void shouldCompareWithWhatThePassengerWasToldNotWithTheSchedule() {
        assertThat(rule.decide(SCHEDULED, at(30), at(20))).isEmpty();
        assertThat(rule.decide(SCHEDULED, at(10), at(20))).isEmpty();
        assertThat(rule.decide(SCHEDULED, at(35), at(20))).contains(new TimingChange(MessageKind.DELAY, at(35), at(35)));
        assertThat(rule.decide(SCHEDULED, at(40), at(60))).contains(new TimingChange(MessageKind.DELAY, at(40), at(40)));
    }

    @Test
    void shouldKeepAFlappingEstimateSilent() {
        Instant told = null;
        for (long minutes : new long[] {10, 0, 10, 5, 12, 0}) {
            Optional<TimingChange> change = rule.decide(SCHEDULED, at(minutes), told);
            assertThat(change).as("estimate +%d", minutes).isEmpty();
        }
    }

    @Test
    void shouldAnnounceBackOnTimeWhenTheEstimateReturnsToTheSchedule() {
        assertThat(rule.decide(SCHEDULED, at(0), at(40)))
                .contains(new TimingChange(MessageKind.BACK_ON_TIME, SCHEDULED, null));
        assertThat(rule.decide(SCHEDULED, null, at(40)))
                .contains(new TimingChange(MessageKind.BACK_ON_TIME, SCHEDULED, null));
        assertThat(rule.decide(SCHEDULED, at(5), at(40)))
                .contains(new TimingChange(MessageKind.BACK_ON_TIME, SCHEDULED, null));
    }

    @Test
    void shouldAnnounceAnEarlierDeparture() {
        assertThat(rule.decide(SCHEDULED, at(-20), null))
                .contains(new TimingChange(MessageKind.EARLIER_DEPARTURE, at(-20), at(-20)));
        assertThat(rule.decide(SCHEDULED, at(-20), at(30)))
                .contains(new TimingChange(MessageKind.EARLIER_DEPARTURE, at(-20), at(-20)));
    }

    @Test
    void shouldUseAConfiguredThreshold() {
        DepartureTimeRule fiveMinutes = new DepartureTimeRule(Duration.ofMinutes(5));
        assertThat(fiveMinutes.decide(SCHEDULED, at(5), null)).isPresent();
        assertThat(fiveMinutes.threshold()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> new DepartureTimeRule(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
