package dev.appcare.ops.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimeArgsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldReadTheFormsTheRunbookUses() {
        assertThat(TimeArgs.instant("2026-11-23T06:00:00Z", CLOCK)).isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(TimeArgs.instant("2026-11-23T07:00+01:00", CLOCK)).isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(TimeArgs.instant("2026-11-23T06:00", CLOCK)).as("local = UTC").isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(TimeArgs.instant("2026-11-23", CLOCK)).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(TimeArgs.instant("now", CLOCK)).isEqualTo(CLOCK.instant());
        assertThat(TimeArgs.instant("now-PT2H", CLOCK)).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(TimeArgs.duration("P1D")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void shouldSayWhatItExpects() {
        assertThatThrownBy(() -> TimeArgs.instant("yesterday", CLOCK)).hasMessageContaining("2026-11-23T06:00:00Z");
        assertThatThrownBy(() -> TimeArgs.duration("2h")).hasMessageContaining("PT30M");
        assertThatThrownBy(() -> TimeArgs.duration("-PT1H")).hasMessageContaining("positive");
    }
}
