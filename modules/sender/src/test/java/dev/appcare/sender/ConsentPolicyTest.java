package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentPolicyTest {
    private static final String PHONE = "+31612345678";

    static TravellerPreference preference(String travellerKey, String phone, OptInStatus status, MessageKind... kinds) {
        return TravellerPreference.newBuilder().setTravellerKey(travellerKey).setPhoneE164(phone).setLocale("nl")
                .setStatus(status).setKinds(List.of(kinds))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.EPOCH).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setOptedOutAt(null).setOptOutSource(status == OptInStatus.OPTED_OUT ? "whatsapp-reply:stop" : null)
                .setUpdatedAt(Instant.EPOCH).build();
    }

    private final WhatsAppRequest gateChange = Requests.gateChange("m1", PHONE, "ABC123/1").build();

    @Test
    void shouldSendToAnOptedInTraveller() {
        var decision = ConsentPolicy.decide(gateChange,
                preference("ABC123/1", PHONE, OptInStatus.OPTED_IN, MessageKind.GATE_CHANGE), List.of());
        assertThat(decision.verdict()).isEqualTo(ConsentPolicy.Verdict.SEND);
    }

    @Test
    void shouldDropForATravellerWhoOptedOutSince() {
        var decision = ConsentPolicy.decide(gateChange, preference("ABC123/1", PHONE, OptInStatus.OPTED_OUT), List.of());
        assertThat(decision.verdict()).isEqualTo(ConsentPolicy.Verdict.DROP);
        assertThat(decision.reason()).contains("whatsapp-reply:stop");
    }

    @Test
    void shouldReportAnUnknownTravellerSoTheCallerCanCatchUpAndDecide() {
        assertThat(ConsentPolicy.decide(gateChange, null, List.of()).verdict())
                .isEqualTo(ConsentPolicy.Verdict.UNKNOWN_TRAVELLER);
    }

    @Test
    void shouldDropAKindTheTravellerNoLongerWants() {
        var decision = ConsentPolicy.decide(gateChange,
                preference("ABC123/1", PHONE, OptInStatus.OPTED_IN, MessageKind.DELAY), List.of());
        assertThat(decision.verdict()).isEqualTo(ConsentPolicy.Verdict.DROP);
    }

    @Test
    void shouldDropWhenTheTravellersNumberChanged() {
        var decision = ConsentPolicy.decide(gateChange,
                preference("ABC123/1", "+31699999999", OptInStatus.OPTED_IN), List.of());
        assertThat(decision.verdict()).isEqualTo(ConsentPolicy.Verdict.DROP);
    }

    @Test
    void shouldTreatDelayCorrectionsAndConfirmationsAsWanted() {
        assertThat(ConsentPolicy.kindAllowed(MessageKind.BACK_ON_TIME, List.of(MessageKind.DELAY))).isTrue();
        assertThat(ConsentPolicy.kindAllowed(MessageKind.EARLIER_DEPARTURE, List.of(MessageKind.DELAY))).isTrue();
        assertThat(ConsentPolicy.kindAllowed(MessageKind.OPTIN_CONFIRMATION, List.of(MessageKind.DELAY))).isTrue();
        assertThat(ConsentPolicy.kindAllowed(MessageKind.CARE_REPLY, List.of(MessageKind.DELAY)))
                .as("a care reply answers the traveller's own message").isTrue();
        assertThat(ConsentPolicy.kindAllowed(MessageKind.BOARDING, List.of(MessageKind.DELAY))).isFalse();
        assertThat(ConsentPolicy.kindAllowed(MessageKind.BOARDING, List.of())).isTrue();
    }

    @Test
    void shouldCheckTheNumberWhenTheRequestNamesNoTraveller() {
        WhatsAppRequest anonymous = Requests.gateChange("m2", PHONE, null).build();
        assertThat(ConsentPolicy.decide(anonymous, null, List.of()).verdict()).isEqualTo(ConsentPolicy.Verdict.SEND);
        assertThat(ConsentPolicy.decide(anonymous, null,
                List.of(preference("A/1", PHONE, OptInStatus.OPTED_OUT), preference("B/1", PHONE, OptInStatus.OPTED_OUT)))
                .verdict()).isEqualTo(ConsentPolicy.Verdict.DROP);
        assertThat(ConsentPolicy.decide(anonymous, null,
                List.of(preference("A/1", PHONE, OptInStatus.OPTED_OUT), preference("B/1", PHONE, OptInStatus.OPTED_IN)))
                .verdict()).isEqualTo(ConsentPolicy.Verdict.SEND);
    }
}
