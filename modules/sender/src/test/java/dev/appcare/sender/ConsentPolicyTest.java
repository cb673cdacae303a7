package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.sender.ConsentPolicy.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sender's use of the consent rule ({@code dev.appcare.model.consent.Consent}), as a table. */
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

    private static final WhatsAppRequest GATE = Requests.gateChange("m1", PHONE, "ABC123/1").build();
    private static final WhatsAppRequest KEYLESS = Requests.gateChange("m2", PHONE, null).build();
    private static final WhatsAppRequest CARE = Requests.gateChange("m3", PHONE, "ABC123/1").setKind(MessageKind.CARE_REPLY).build();
    private static final WhatsAppRequest CARE_KEYLESS = Requests.gateChange("m4", PHONE, null).setKind(MessageKind.CARE_REPLY).build();
    private static final TravellerPreference GATE_OPTIN = preference("ABC123/1", PHONE, OptInStatus.OPTED_IN, MessageKind.GATE_CHANGE);
    private static final TravellerPreference OUT_A = preference("A/1", PHONE, OptInStatus.OPTED_OUT);
    private static final TravellerPreference IN_B = preference("B/1", PHONE, OptInStatus.OPTED_IN, MessageKind.GATE_CHANGE);

    static Stream<Arguments> table() {
        return Stream.of(
                // request, its traveller's preference, the number's travellers, keyless override → verdict, reason contains
                Arguments.of(GATE, GATE_OPTIN, List.of(), null, Verdict.SEND, null),
                Arguments.of(GATE, preference("ABC123/1", PHONE, OptInStatus.OPTED_OUT), List.of(), null, Verdict.DROP, "whatsapp-reply:stop"),
                Arguments.of(GATE, null, List.of(), null, Verdict.UNKNOWN_TRAVELLER, "ABC123/1"),
                Arguments.of(GATE, preference("ABC123/1", PHONE, OptInStatus.OPTED_IN, MessageKind.DELAY), List.of(), null, Verdict.DROP, "GATE_CHANGE"),
                Arguments.of(GATE, preference("ABC123/1", PHONE, OptInStatus.OPTED_IN), List.of(), null, Verdict.DROP, "GATE_CHANGE"),
                Arguments.of(GATE, preference("ABC123/1", "+31699999999", OptInStatus.OPTED_IN, MessageKind.GATE_CHANGE), List.of(), null, Verdict.DROP, "number"),
                // no traveller key: dropped, unless the audited override is set
                Arguments.of(KEYLESS, null, List.of(), null, Verdict.DROP, "keyless-override"),
                Arguments.of(KEYLESS, null, List.of(IN_B), null, Verdict.DROP, "keyless-override"),
                Arguments.of(KEYLESS, null, List.of(), "INC-42 redrive", Verdict.SEND, "INC-42 redrive"),
                Arguments.of(KEYLESS, null, List.of(OUT_A, IN_B), "INC-42 redrive", Verdict.SEND, "INC-42 redrive"),
                Arguments.of(KEYLESS, null, List.of(OUT_A), "INC-42 redrive", Verdict.DROP, "opted out"),
                // a care reply answers whoever wrote: no traveller key, preference or kind needed; STOP still stops it
                Arguments.of(CARE_KEYLESS, null, List.of(), null, Verdict.SEND, null),
                Arguments.of(CARE_KEYLESS, null, List.of(OUT_A), null, Verdict.DROP, "opted out"),
                Arguments.of(CARE, preference("ABC123/1", PHONE, OptInStatus.OPTED_IN, MessageKind.DELAY), List.of(), null, Verdict.SEND, null),
                Arguments.of(CARE, preference("ABC123/1", PHONE, OptInStatus.OPTED_OUT), List.of(), null, Verdict.DROP, "opted out"));
    }

    @ParameterizedTest(name = "[{index}] {4}")
    @MethodSource("table")
    void shouldDecideAsTheTableSays(WhatsAppRequest request, TravellerPreference preference,
                                    List<TravellerPreference> phoneTravellers, String override,
                                    Verdict expected, String reasonContains) {
        ConsentPolicy.Decision decision = ConsentPolicy.decide(request, preference, phoneTravellers, override);

        assertThat(decision.verdict()).isEqualTo(expected);
        if (reasonContains == null) {
            assertThat(decision.reason()).isNull();
        } else {
            assertThat(decision.reason()).contains(reasonContains);
        }
    }
}
