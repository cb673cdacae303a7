package dev.appcare.model.consent;

import static dev.appcare.avro.MessageKind.BACK_ON_TIME;
import static dev.appcare.avro.MessageKind.BOARDING;
import static dev.appcare.avro.MessageKind.BOARDING_PASS;
import static dev.appcare.avro.MessageKind.DELAY;
import static dev.appcare.avro.MessageKind.EARLIER_DEPARTURE;
import static dev.appcare.avro.MessageKind.GATE_CHANGE;
import static dev.appcare.avro.MessageKind.OPTIN_CONFIRMATION;
import static dev.appcare.avro.MessageKind.UNKNOWN;
import static dev.appcare.model.consent.Consent.Verdict.ALLOWED;
import static dev.appcare.model.consent.Consent.Verdict.KIND_NOT_CHOSEN;
import static dev.appcare.model.consent.Consent.Verdict.NO_PREFERENCE;
import static dev.appcare.model.consent.Consent.Verdict.NO_TRAVELLER_KEY;
import static dev.appcare.model.consent.Consent.Verdict.NUMBER_CHANGED;
import static dev.appcare.model.consent.Consent.Verdict.OPTED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The consent rule of every role, as one table. */
class ConsentTest {
    private static final String KEY = "ABC123/1";
    private static final String PHONE = "+31612345678";
    private static final String OTHER_PHONE = "+31699999999";

    private static TravellerPreference preference(OptInStatus status, MessageKind... kinds) {
        return TravellerPreference.newBuilder().setTravellerKey(KEY).setPhoneE164(PHONE).setLocale("nl")
                .setStatus(status).setKinds(List.of(kinds))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.EPOCH).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setOptOutSource(status == OptInStatus.OPTED_OUT ? "whatsapp-reply:stop" : null)
                .setUpdatedAt(Instant.EPOCH).build();
    }

    static Stream<Arguments> table() {
        TravellerPreference gateAndDelay = preference(OptInStatus.OPTED_IN, GATE_CHANGE, DELAY);
        TravellerPreference nothing = preference(OptInStatus.OPTED_IN);
        TravellerPreference out = preference(OptInStatus.OPTED_OUT, GATE_CHANGE, DELAY);
        return Stream.of(
                // kind, travellerKey, preference, recipient → verdict
                Arguments.of(GATE_CHANGE, KEY, gateAndDelay, PHONE, ALLOWED),
                Arguments.of(DELAY, KEY, gateAndDelay, PHONE, ALLOWED),
                Arguments.of(EARLIER_DEPARTURE, KEY, gateAndDelay, PHONE, ALLOWED),
                Arguments.of(BACK_ON_TIME, KEY, gateAndDelay, PHONE, ALLOWED),
                Arguments.of(BOARDING, KEY, gateAndDelay, PHONE, KIND_NOT_CHOSEN),
                Arguments.of(BOARDING_PASS, KEY, gateAndDelay, PHONE, KIND_NOT_CHOSEN),
                Arguments.of(UNKNOWN, KEY, gateAndDelay, PHONE, KIND_NOT_CHOSEN),
                Arguments.of(OPTIN_CONFIRMATION, KEY, gateAndDelay, PHONE, ALLOWED),
                // the check-in reminder (N13) is covered by the boarding-pass opt-in, and only by it
                Arguments.of(MessageKind.CHECKIN_OPEN, KEY, gateAndDelay, PHONE, KIND_NOT_CHOSEN),
                Arguments.of(MessageKind.CHECKIN_OPEN, KEY, preference(OptInStatus.OPTED_IN, BOARDING_PASS), PHONE, ALLOWED),
                Arguments.of(MessageKind.CHECKIN_OPEN, KEY, nothing, PHONE, KIND_NOT_CHOSEN),
                // empty kinds: nothing but the confirmation
                Arguments.of(GATE_CHANGE, KEY, nothing, PHONE, KIND_NOT_CHOSEN),
                Arguments.of(DELAY, KEY, nothing, PHONE, KIND_NOT_CHOSEN),
                Arguments.of(OPTIN_CONFIRMATION, KEY, nothing, PHONE, ALLOWED),
                // opted out: nothing, not even a confirmation
                Arguments.of(GATE_CHANGE, KEY, out, PHONE, OPTED_OUT),
                Arguments.of(OPTIN_CONFIRMATION, KEY, out, PHONE, OPTED_OUT),
                // erased / never opted in
                Arguments.of(GATE_CHANGE, KEY, null, PHONE, NO_PREFERENCE),
                // no traveller key: no consent to check, whatever the number's other travellers said
                Arguments.of(GATE_CHANGE, null, gateAndDelay, PHONE, NO_TRAVELLER_KEY),
                Arguments.of(GATE_CHANGE, "", null, PHONE, NO_TRAVELLER_KEY),
                // another number than the one opted in
                Arguments.of(GATE_CHANGE, KEY, gateAndDelay, OTHER_PHONE, NUMBER_CHANGED),
                // the notifier takes the number from the preference: no number to compare
                Arguments.of(GATE_CHANGE, KEY, gateAndDelay, null, ALLOWED),
                // a care reply answers whoever wrote to us: no key, preference or kind needed; an opt-out stops it
                Arguments.of(MessageKind.CARE_REPLY, null, null, PHONE, ALLOWED),
                Arguments.of(MessageKind.CARE_REPLY, KEY, nothing, PHONE, ALLOWED),
                Arguments.of(MessageKind.CARE_REPLY, KEY, out, PHONE, OPTED_OUT));
    }

    @ParameterizedTest(name = "{0} for {1} at {3} with {2} → {4}")
    @MethodSource("table")
    void shouldDecideConsentAsTheTableSays(MessageKind kind, String travellerKey, TravellerPreference preference,
                                            String recipient, Consent.Verdict expected) {
        Consent.Decision decision = Consent.decide(kind, travellerKey, preference, recipient);

        assertThat(decision.verdict()).isEqualTo(expected);
        assertThat(decision.allowed()).isEqualTo(expected == ALLOWED);
        assertThat(decision.reason() == null).isEqualTo(expected == ALLOWED);
        if (recipient == null && travellerKey != null && travellerKey.equals(KEY)) {
            assertThat(Consent.allows(preference, kind)).isEqualTo(expected == ALLOWED);
        }
    }
}
