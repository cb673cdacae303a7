package dev.appcare.notifier.rules;

import static dev.appcare.notifier.rules.FlightChangeDetector.Verdict.CHANGED;
import static dev.appcare.notifier.rules.FlightChangeDetector.Verdict.STALE;
import static dev.appcare.notifier.rules.FlightChangeDetector.Verdict.UNCHANGED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.FlightStatus;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.testing.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlightChangeDetectorTest {
    private final FlightView applied = FlightViews.of(Fixtures.gate(Fixtures.flight(5), "D7").build());

    private static FlightView view(long sequence) {
        return FlightViews.of(Fixtures.gate(Fixtures.flight(sequence), "D7").build());
    }

    @Test
    void shouldFanOutTheFirstEventOfAFlight() {
        assertThat(FlightChangeDetector.compare(null, applied)).isEqualTo(CHANGED);
    }

    @Test
    void shouldCallAnEventWithANotHigherSequenceStale() {
        assertThat(FlightChangeDetector.compare(applied, view(5))).isEqualTo(STALE);
        assertThat(FlightChangeDetector.compare(applied, view(4))).isEqualTo(STALE);
    }

    @Test
    void shouldCallAnEventObservedEarlierStaleWhateverItsSequence() {
        FlightView older = FlightView.newBuilder(view(6)).setEventTime(applied.getEventTime().minus(Duration.ofSeconds(1))).build();
        assertThat(FlightChangeDetector.compare(applied, older)).isEqualTo(STALE);
    }

    @Test
    void shouldSeeNoChangeWhenOnlyUnsentFieldsDiffer() {
        FlightView later = FlightView.newBuilder(view(6)).setEstimatedArrival(Fixtures.ARRIVAL.plusSeconds(600)).build();
        assertThat(FlightChangeDetector.compare(applied, later)).isEqualTo(UNCHANGED);
    }

    @Test
    void shouldSeeChangesOfStatusTimesGateAndDiversion() {
        assertThat(FlightChangeDetector.compare(applied, FlightView.newBuilder(view(6)).setGate("D9").build())).isEqualTo(CHANGED);
        assertThat(FlightChangeDetector.compare(applied, FlightView.newBuilder(view(6))
                .setStatus(FlightStatus.BOARDING.name()).build())).isEqualTo(CHANGED);
        assertThat(FlightChangeDetector.compare(applied, FlightView.newBuilder(view(6))
                .setEstimatedDeparture(Fixtures.SCHEDULED.plusSeconds(60)).build())).isEqualTo(CHANGED);
        assertThat(FlightChangeDetector.compare(applied, FlightView.newBuilder(view(6))
                .setDiversionAirport("BRU").build())).isEqualTo(CHANGED);
    }
}
