package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.optin.PreferenceRules.Decision;
import dev.appcare.optin.PreferenceRules.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferenceRulesTest {
    private static final String KEY = "ABC123/1";
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final ConsentEvidence CONSENT = new ConsentEvidence(T0, "booking-web", "v3");
    private static final OptInRequest REQUEST =
            new OptInRequest("+31612345678", "nl_NL", List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE), CONSENT);

    @Test
    void shouldCreateAndConfirmAFirstOptIn() {
        Decision decision = PreferenceRules.optIn(KEY, null, REQUEST, T0.plusSeconds(5));

        assertThat(decision.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(decision.confirm()).isTrue();
        assertThat(decision.next()).isEqualTo(new TravellerPreference(KEY, "+31612345678", "nl_NL", OptInStatus.OPTED_IN,
                List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE), CONSENT, null, null, T0.plusSeconds(5), null));
    }

    @Test
    void shouldWriteNothingWhenTheSameRequestComesAgain() {
        TravellerPreference current = PreferenceRules.optIn(KEY, null, REQUEST, T0).next();

        Decision again = PreferenceRules.optIn(KEY, current, REQUEST, T0.plusSeconds(60));

        assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(again.writes()).isFalse();
        assertThat(again.next()).isSameAs(current);
    }

    @Test
    void shouldChangeKindsWithoutConfirmingAgain() {
        TravellerPreference current = PreferenceRules.optIn(KEY, null, REQUEST, T0).next();
        OptInRequest fewer = new OptInRequest("+31612345678", "en_GB", List.of(MessageKind.CANCELLATION), CONSENT);

        Decision change = PreferenceRules.optIn(KEY, current, fewer, T0.plusSeconds(60));

        assertThat(change.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(change.confirm()).isFalse();
        assertThat(change.next().getKinds()).containsExactly(MessageKind.CANCELLATION);
        assertThat(change.next().getLocale()).isEqualTo("en_GB");
        assertThat(change.next().getUpdatedAt()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void shouldConfirmToANewNumber() {
        TravellerPreference current = PreferenceRules.optIn(KEY, null, REQUEST, T0).next();
        OptInRequest otherPhone = new OptInRequest("+447400123456", "nl_NL", REQUEST.kinds(), CONSENT);

        Decision change = PreferenceRules.optIn(KEY, current, otherPhone, T0.plusSeconds(60));

        assertThat(change.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(change.confirm()).isTrue();
    }

    @Test
    void shouldRecordAnOptOutAndKeepTheEvidence() {
        TravellerPreference current = PreferenceRules.optIn(KEY, null, REQUEST, T0).next();

        Decision optOut = PreferenceRules.optOut(current, T0.plusSeconds(3600));

        assertThat(optOut.outcome()).isEqualTo(Outcome.OPTED_OUT);
        assertThat(optOut.next()).isEqualTo(new TravellerPreference(KEY, "+31612345678", "nl_NL", OptInStatus.OPTED_OUT,
                List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE), CONSENT, T0.plusSeconds(3600), "api", T0.plusSeconds(3600), null));
    }

    @Test
    void shouldKeepTheFirstOptOutTime() {
        TravellerPreference optedOut = PreferenceRules.optOut(PreferenceRules.optIn(KEY, null, REQUEST, T0).next(),
                T0.plusSeconds(10)).next();

        Decision again = PreferenceRules.optOut(optedOut, T0.plusSeconds(20));

        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_OPTED_OUT);
        assertThat(again.writes()).isFalse();
        assertThat(again.next().getOptedOutAt()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void shouldFindNothingToOptOutOf() {
        assertThat(PreferenceRules.optOut(null, T0).outcome()).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void shouldNotLetOldConsentUndoAnOptOut() {
        TravellerPreference stop = new TravellerPreference(KEY, "+31612345678", "nl_NL", OptInStatus.OPTED_OUT,
                REQUEST.kinds(), CONSENT, T0.plusSeconds(100), "whatsapp-reply:STOP", T0.plusSeconds(100), null);

        Decision replayed = PreferenceRules.optIn(KEY, stop, REQUEST, T0.plusSeconds(200));

        assertThat(replayed.outcome()).isEqualTo(Outcome.STALE_CONSENT);
        assertThat(replayed.writes()).isFalse();
    }

    @Test
    void shouldOptInAgainWithFreshConsentAndConfirm() {
        TravellerPreference stop = PreferenceRules.optOut(PreferenceRules.optIn(KEY, null, REQUEST, T0).next(),
                T0.plusSeconds(100)).next();
        ConsentEvidence fresh = new ConsentEvidence(T0.plusSeconds(150), "app", "v4");

        Decision again = PreferenceRules.optIn(KEY, stop,
                new OptInRequest("+31612345678", "nl_NL", List.of(MessageKind.BOARDING_PASS), fresh), T0.plusSeconds(200));

        assertThat(again.outcome()).isEqualTo(Outcome.OPTED_IN_AGAIN);
        assertThat(again.confirm()).isTrue();
        assertThat(again.next().getStatus()).isEqualTo(OptInStatus.OPTED_IN);
        assertThat(again.next().getOptedOutAt()).isNull();
        assertThat(again.next().getOptOutSource()).isNull();
        assertThat(again.next().getConsent()).isEqualTo(fresh);
    }

    @Test
    void shouldStartARecycledBookingReferenceBlank() {
        // The earlier traveller opted in for a booking whose last flight left on T0 + 10 days, then said STOP.
        java.time.Instant lastDeparture = T0.plus(java.time.Duration.ofDays(10));
        OptInRequest earlier = new OptInRequest("+31612345678", "nl_NL", REQUEST.kinds(), CONSENT,
                dev.appcare.model.BookingLife.validUntil(lastDeparture, java.time.Duration.ofDays(2)));
        TravellerPreference stop = PreferenceRules.optOut(PreferenceRules.optIn(KEY, null, earlier, T0).next(),
                T0.plusSeconds(100)).next();
        // Months later the airline gives ABC123/1 to someone else, whose booking site sends its own consent.
        java.time.Instant later = T0.plus(java.time.Duration.ofDays(90));
        OptInRequest newcomer = new OptInRequest("+447400123456", "en_GB", List.of(MessageKind.DELAY),
                new ConsentEvidence(later.minusSeconds(60), "booking-web", "v4"));

        Decision decision = PreferenceRules.optIn(KEY, stop, newcomer, later);

        assertThat(decision.outcome()).as("not STALE_CONSENT: the earlier traveller's opt-out does not carry over")
                .isEqualTo(Outcome.CREATED);
        assertThat(decision.confirm()).isTrue();
        assertThat(decision.next().getPhoneE164()).isEqualTo("+447400123456");
        assertThat(decision.next().getValidUntil()).isNull();
        // Within the booking's life the same request is refused as before.
        assertThat(PreferenceRules.optIn(KEY, stop, earlier, T0.plusSeconds(200)).outcome()).isEqualTo(Outcome.STALE_CONSENT);
    }
}
