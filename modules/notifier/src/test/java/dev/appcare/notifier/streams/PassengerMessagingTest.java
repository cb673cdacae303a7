package dev.appcare.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.notifier.rules.DecisionReason;
import dev.appcare.notifier.rules.DepartureTimeRule;
import dev.appcare.notifier.rules.NotificationPlanner;
import dev.appcare.notifier.rules.PriorityPolicy;
import dev.appcare.notifier.rules.RequestFactory;
import dev.appcare.notifier.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who the traveller side may message at emit time (N5), the one place its processors ask. */
class PassengerMessagingTest {
    private static final Instant DEPARTURE = Fixtures.SCHEDULED;
    private static final TravellerPreference DELAYS = Fixtures.optedIn("ABC123/1", "+31612345678", "nl",
            List.of(MessageKind.DELAY));

    @Test
    void shouldRefuseWithoutPreferenceAfterTheBookingsLifeAndOnceOptedOut() {
        assertThat(PassengerMessaging.refusal(null, DEPARTURE)).isEqualTo(DecisionReason.NO_PREFERENCE);
        assertThat(PassengerMessaging.refusal(TravellerPreference.newBuilder(DELAYS)
                .setValidUntil(DEPARTURE.minus(Duration.ofDays(1))).build(), DEPARTURE)).isEqualTo(DecisionReason.BOOKING_LIFE_OVER);
        assertThat(PassengerMessaging.refusal(Fixtures.optedOut(DELAYS), DEPARTURE)).isEqualTo(DecisionReason.OPTED_OUT);
        assertThat(PassengerMessaging.refusal(DELAYS, DEPARTURE)).isNull();
        assertThat(PassengerMessaging.refusal(TravellerPreference.newBuilder(DELAYS)
                .setValidUntil(DEPARTURE.plus(Duration.ofDays(1))).build(), DEPARTURE)).isNull();
    }

    @Test
    void shouldAllowOnlyConsentedKindsTheCatalogueHasATemplateFor() {
        PassengerMessaging full = messaging(TemplateCatalogue.loadDefault());
        assertThat(full.allowed(DELAYS, MessageKind.DELAY)).isTrue();
        assertThat(full.allowed(DELAYS, MessageKind.GATE_CHANGE)).isFalse();
        assertThat(full.allowed(Fixtures.optedOut(DELAYS), MessageKind.DELAY)).isFalse();
        assertThat(full.allowed(null, MessageKind.DELAY)).isFalse();
        TemplateCatalogue confirmationOnly = new TemplateCatalogue("en", Set.of("en"), Map.of(), Map.of(
                MessageKind.OPTIN_CONFIRMATION, new TemplateCatalogue.Template("optin_confirmation", List.of("bookingReference"), false)));
        assertThat(messaging(confirmationOnly).allowed(DELAYS, MessageKind.DELAY)).isFalse();
    }

    private static PassengerMessaging messaging(TemplateCatalogue catalogue) {
        return new PassengerMessaging(new NotificationPlanner(new DepartureTimeRule(Duration.ofMinutes(15))),
                new RequestFactory(catalogue, new PriorityPolicy(Duration.ofHours(3))), NotifierMetrics.detached());
    }
}
