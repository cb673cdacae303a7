package dev.appcare.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BookingLifeTest {
    private static final Instant LAST_DEPARTURE = Instant.parse("2026-11-23T18:40:00Z");

    private static TravellerPreference preference(Instant validUntil) {
        return TravellerPreference.newBuilder().setTravellerKey("ABC123/1").setPhoneE164("+31612345678").setLocale("nl")
                .setStatus(OptInStatus.OPTED_IN).setKinds(List.of())
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(LAST_DEPARTURE.minus(Duration.ofDays(30)))
                        .setChannel("booking-web").setTextVersion("v1").build())
                .setUpdatedAt(LAST_DEPARTURE.minus(Duration.ofDays(30))).setValidUntil(validUntil).build();
    }

    @Test
    void shouldEndAPreferenceAMarginAfterTheBookingsLastDeparture() {
        Instant until = BookingLife.validUntil(LAST_DEPARTURE, Duration.ofDays(2));
        assertThat(until).isEqualTo(Instant.parse("2026-11-25T18:40:00Z"));
        assertThat(BookingLife.validUntil(null, Duration.ofDays(2))).isNull();

        TravellerPreference bound = preference(until);
        assertThat(BookingLife.covers(bound, LAST_DEPARTURE)).isTrue();
        assertThat(BookingLife.covers(bound, until)).isTrue();
        assertThat(BookingLife.covers(bound, until.plusSeconds(1))).as("a later booking under a recycled reference").isFalse();
        assertThat(BookingLife.isOver(bound, until)).isFalse();
        assertThat(BookingLife.isOver(bound, until.plusMillis(1))).isTrue();

        TravellerPreference unbound = preference(null);
        assertThat(BookingLife.covers(unbound, LAST_DEPARTURE.plus(Duration.ofDays(400)))).isTrue();
        assertThat(BookingLife.isOver(unbound, LAST_DEPARTURE.plus(Duration.ofDays(400)))).isFalse();
    }
}
