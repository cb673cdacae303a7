package dev.appcare.model.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErasureBoundTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void shouldDeriveEveryCompactedTopicsSettingsFromTheDefaultDayBound() {
        assertThat(Topics.TRAVELLER_PREFERENCE.configs())
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("retention.ms", "-1")
                .containsEntry("segment.ms", String.valueOf(3 * HOUR))
                .containsEntry("max.compaction.lag.ms", String.valueOf(6 * HOUR))
                .containsEntry("min.cleanable.dirty.ratio", "0.5")
                .containsEntry("delete.retention.ms", String.valueOf(7 * 24 * HOUR));
        assertThat(ErasureBound.DEFAULT.compactedWorstCase()).isEqualTo(Duration.ofHours(6).plusSeconds(15));
        assertThat(ErasureBound.DEFAULT.retainedWorstCase()).isEqualTo(Duration.ofHours(15).plusMinutes(5));
        assertThat(ErasureBound.DEFAULT.tickInterval()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void shouldKeepPersonalDataOnTimeRetainedTopicsForHalfTheBoundAndTheRestAsLongAsTheContractSays() {
        ErasureBound bound = ErasureBound.of(Duration.ofHours(4));
        assertThat(Topics.ALL).filteredOn(t -> t.cleanup() == CleanupPolicy.DELETE && t.personalData())
                .extracting(TopicSpec::name).containsExactlyInAnyOrder("flight.boarding-pass.v1",
                        "notify.whatsapp-request.v1", "notify.whatsapp-request.dlq.v1", "notify.notifier-decision.v1",
                        "care.inbound.v1", "care.handoff.v1", "care.agent-reply.v1", "care.dlq.v1");
        assertThat(Topics.CARE_INBOUND.configs(bound)).containsEntry("retention.ms", String.valueOf(2 * HOUR));
        assertThat(Topics.WHATSAPP_REQUEST.configs(bound)).containsEntry("retention.ms", String.valueOf(2 * HOUR))
                .containsEntry("segment.ms", String.valueOf(HOUR / 2)).doesNotContainKey("max.compaction.lag.ms");
        assertThat(Topics.WHATSAPP_REQUEST.configs()).containsEntry("retention.ms", String.valueOf(12 * HOUR));
        assertThat(Topics.WHATSAPP_STATUS.configs(bound)).containsEntry("retention.ms", String.valueOf(30 * 24 * HOUR));
        assertThat(Topics.WHATSAPP_REQUEST.retention()).contains(ErasureBound.DEFAULT.personalDataRetention());
    }

    @Test
    void shouldMeetTheBoundForEveryKindOfTopicWhenTheBrokerChecksOftenEnough() {
        for (Duration b : new Duration[] {Duration.ofHours(24), Duration.ofHours(1)}) {
            ErasureBound bound = ErasureBound.of(b);
            assertThat(bound.compactedWorstCase()).isLessThan(b);
            assertThat(bound.retainedWorstCase()).isLessThan(b);
        }
    }

    @Test
    void shouldCleanAChangelogKeyedByPhoneWithinTheBoundWhenTheCleanerBacksOffAtMostASixteenth() {
        // The default day bound, care's sweep every 10 min (two to confirm), Kafka's 15 s back-off:
        // 20 min + 6 h 15 s + 3 h + 1 h 30 min + 6 h 15 s.
        assertThat(ErasureBound.DEFAULT.phoneKeyedWorstCase(Duration.ofMinutes(20), ErasureBound.DEFAULT_CLEANER_BACKOFF))
                .isEqualTo(Duration.ofHours(16).plusMinutes(50).plusSeconds(30));
        // ErasureAcrossRolesIT: B = 60 s, sweeps every 3.75 s, the broker's back-off 1 s: 50.75 s, inside 60 s;
        // with Kafka's 15 s back-off (more than B/16) it would be 78.75 s, over the bound.
        ErasureBound scaled = ErasureBound.of(Duration.ofSeconds(60));
        Duration twoSweeps = scaled.tickInterval().multipliedBy(2);
        assertThat(scaled.phoneKeyedWorstCase(twoSweeps, Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(50_750));
        assertThat(scaled.phoneKeyedWorstCase(twoSweeps, ErasureBound.DEFAULT_CLEANER_BACKOFF)).isGreaterThan(scaled.bound());
        for (Duration b : new Duration[] {Duration.ofHours(24), Duration.ofHours(1), Duration.ofMinutes(4), Duration.ofSeconds(16)}) {
            ErasureBound bound = ErasureBound.of(b);
            assertThat(bound.phoneKeyedWorstCase(bound.tickInterval().multipliedBy(2), b.dividedBy(16)))
                    .as("bound %s, back-off B/16", b).isLessThanOrEqualTo(b);
        }
    }

    @Test
    void shouldSayWhichBrokerSettingsBreakTheBound() {
        // Kafka's defaults (5 min, 15 s) fit the day bound and any bound from 40 min ...
        assertThat(ErasureBound.DEFAULT.brokerProblems(Map.of())).isEmpty();
        assertThat(ErasureBound.of(Duration.ofMinutes(40)).brokerProblems(Map.of())).isEmpty();
        // ... not a 60 s bound, unless the broker checks and cleans as often as ErasureAcrossRolesIT's does.
        ErasureBound scaled = ErasureBound.of(Duration.ofSeconds(60));
        assertThat(scaled.brokerProblems(Map.of())).containsExactly(
                "log.retention.check.interval.ms = 300000 is over B/8 = 7500 ms: the erasure bound PT1M does not hold on this broker (docs/privacy.md)",
                "log.cleaner.backoff.ms = 15000 is over B/16 = 3750 ms: the erasure bound PT1M does not hold on this broker (docs/privacy.md)");
        assertThat(scaled.brokerProblems(Map.of("log.retention.check.interval.ms", "1000", "log.cleaner.backoff.ms", "1000")))
                .isEmpty();
        assertThat(ErasureBound.DEFAULT.brokerProblems(Map.of("log.cleaner.backoff.ms", "soon", "log.retention.check.interval.ms", "86400000")))
                .containsExactly("log.retention.check.interval.ms = 86400000 is over B/8 = 10800000 ms: the erasure bound PT24H does not hold on this broker (docs/privacy.md)",
                        "log.cleaner.backoff.ms = 'soon' is not a number of milliseconds");
    }

    @Test
    void shouldReadTheBoundFromConfigAndRefuseTombstonesKeptShorterThanIt() {
        ErasureBound bound = ErasureBound.from(Map.of("erasure.bound", "PT48H"));
        assertThat(bound.bound()).isEqualTo(Duration.ofHours(48));
        assertThat(bound.tombstoneRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(ErasureBound.from(Map.of("erasure.bound", "P10D")).tombstoneRetention())
                .isEqualTo(Duration.ofDays(10));
        assertThatThrownBy(() -> ErasureBound.from(Map.of("erasure.bound", "PT24H",
                "erasure.tombstone.retention", "PT1H"))).hasMessageContaining("at least as long");
        assertThatThrownBy(() -> ErasureBound.of(Duration.ofSeconds(5))).hasMessageContaining("at least 16 s");
    }
}
