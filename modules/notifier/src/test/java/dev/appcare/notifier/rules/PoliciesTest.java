package dev.appcare.notifier.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.consent.Consent;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ExpiryPolicy, PriorityPolicy, Consent and LocalTimeFormatter. */
class PoliciesTest {
    private static final Instant DEPARTURE = Fixtures.SCHEDULED;

    @Test
    void shouldExpireEachKindWhenItStopsBeingUseful() {
        FlightView flight = FlightViews.of(Fixtures.estimate(Fixtures.flight(1), 30).build());
        Instant estimated = DEPARTURE.plus(Duration.ofMinutes(30));
        assertThat(ExpiryPolicy.expiresAt(MessageKind.DELAY, flight, estimated)).isEqualTo(estimated);
        assertThat(ExpiryPolicy.expiresAt(MessageKind.BACK_ON_TIME, flight, DEPARTURE)).isEqualTo(DEPARTURE);
        assertThat(ExpiryPolicy.expiresAt(MessageKind.GATE_CHANGE, flight, null)).isEqualTo(estimated);
        assertThat(ExpiryPolicy.expiresAt(MessageKind.BOARDING, flight, null)).isEqualTo(estimated);
        assertThat(ExpiryPolicy.expiresAt(MessageKind.CANCELLATION, flight, null)).isEqualTo(DEPARTURE.plus(Duration.ofHours(24)));
        assertThat(ExpiryPolicy.expiresAt(MessageKind.DIVERSION, flight, null)).isEqualTo(Fixtures.ARRIVAL.plus(Duration.ofHours(6)));
        assertThat(ExpiryPolicy.expiresAt(Fixtures.boardingPass("ABC123/1", 1).build())).isEqualTo(DEPARTURE.plus(Duration.ofHours(2)));
    }

    @Test
    void shouldMakeDisruptionsCloseToDepartureUrgent() {
        PriorityPolicy policy = new PriorityPolicy(Duration.ofHours(3));
        Instant close = DEPARTURE.minus(Duration.ofHours(2));
        Instant far = DEPARTURE.minus(Duration.ofHours(5));
        for (MessageKind kind : List.of(MessageKind.CANCELLATION, MessageKind.GATE_CHANGE, MessageKind.EARLIER_DEPARTURE)) {
            assertThat(policy.priority(kind, DEPARTURE, close)).as(kind.name()).isEqualTo(Priority.URGENT);
            assertThat(policy.priority(kind, DEPARTURE, far)).as(kind.name()).isEqualTo(Priority.NORMAL);
        }
        assertThat(policy.priority(MessageKind.BOARDING, DEPARTURE, far)).isEqualTo(Priority.URGENT);
        assertThat(policy.priority(MessageKind.DIVERSION, DEPARTURE, DEPARTURE.plus(Duration.ofHours(3)))).isEqualTo(Priority.URGENT);
        assertThat(policy.priority(MessageKind.DELAY, DEPARTURE, close)).isEqualTo(Priority.NORMAL);
        assertThat(policy.priority(MessageKind.BACK_ON_TIME, DEPARTURE, close)).isEqualTo(Priority.NORMAL);
        assertThat(policy.priority(MessageKind.BOARDING_PASS, DEPARTURE, DEPARTURE.minus(Duration.ofHours(25)))).isEqualTo(Priority.BULK);
        assertThat(policy.priority(MessageKind.BOARDING_PASS, DEPARTURE, DEPARTURE.minus(Duration.ofHours(23)))).isEqualTo(Priority.NORMAL);
        assertThat(new PriorityPolicy(Duration.ofMinutes(30)).priority(MessageKind.GATE_CHANGE, DEPARTURE, close))
                .isEqualTo(Priority.NORMAL);
    }

    @Test
    void shouldAllowOnlyConsentedKindsWhileOptedIn() {
        TravellerPreference delays = Fixtures.optedIn("ABC123/1", "+31612345678", "nl", List.of(MessageKind.DELAY));
        assertThat(Consent.allows(delays, MessageKind.DELAY)).isTrue();
        assertThat(Consent.allows(delays, MessageKind.EARLIER_DEPARTURE)).isTrue();
        assertThat(Consent.allows(delays, MessageKind.BACK_ON_TIME)).isTrue();
        assertThat(Consent.allows(delays, MessageKind.GATE_CHANGE)).isFalse();
        assertThat(Consent.allows(Fixtures.optedOut(delays), MessageKind.DELAY)).isFalse();
        assertThat(Consent.allows(null, MessageKind.DELAY)).isFalse();
        assertThat(Fixtures.optedOut(delays).getStatus()).isEqualTo(OptInStatus.OPTED_OUT);
    }

    @Test
    void shouldFormatTimesInTheAirportsZoneWithTheDayWhenItDiffers() {
        ZoneId amsterdam = ZoneId.of("Europe/Amsterdam");
        LocalDate day = LocalDate.parse("2026-11-23");
        assertThat(LocalTimeFormatter.time(Instant.parse("2026-11-23T09:05:00Z"), amsterdam, day, "en")).isEqualTo("10:05");
        assertThat(LocalTimeFormatter.time(Instant.parse("2026-11-24T00:10:00Z"), amsterdam, day, "en")).isEqualTo("01:10 (24 Nov)");
        assertThat(LocalTimeFormatter.time(Instant.parse("2026-11-24T00:10:00Z"), amsterdam, day, "nl")).isEqualTo("01:10 (24 nov)");
        assertThat(LocalTimeFormatter.time(Instant.parse("2026-07-01T09:05:00Z"), amsterdam, null, "en")).isEqualTo("11:05");
        assertThat(LocalTimeFormatter.time(Instant.parse("2026-11-23T09:05:00Z"), ZoneId.of("Asia/Kolkata"), null, "en"))
                .isEqualTo("14:35");
        assertThat(LocalTimeFormatter.date(Instant.parse("2026-11-23T23:30:00Z"), amsterdam, "en")).isEqualTo("24 Nov 2026");
        assertThat(LocalTimeFormatter.date(Instant.parse("2026-11-23T23:30:00Z"), ZoneId.of("America/New_York"), "de"))
                .isEqualTo("23 Nov. 2026");
    }
}
