package dev.appcare.ops.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.ops.rules.RedriveRules.Consent;
import dev.appcare.ops.rules.RedriveRules.Facts;
import dev.appcare.ops.rules.RedriveRules.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RedriveRulesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final WhatsAppRequest LIVE = request("m-1", NOW.plus(Duration.ofHours(2)), "ABC123/1");
    private static final WhatsAppRequest STALE = request("m-2", NOW.minusSeconds(1), "ABC123/1");

    static Stream<Arguments> table() {
        return Stream.of(
                // request, seen before, ledger, superseded by, consent -> outcome
                Arguments.of("undecodable", null, false, null, null, Consent.OPTED_IN, Outcome.NOT_A_REQUEST),
                Arguments.of("second dead letter of one id", LIVE, true, LedgerState.DROPPED, null, Consent.OPTED_IN, Outcome.REPEATED),
                Arguments.of("sent meanwhile", LIVE, false, LedgerState.ACCEPTED, null, Consent.OPTED_IN, Outcome.ALREADY_SENT),
                Arguments.of("in doubt", LIVE, false, LedgerState.ATTEMPTING, null, Consent.OPTED_IN, Outcome.IN_DOUBT),
                Arguments.of("expired", STALE, false, LedgerState.DROPPED, null, Consent.OPTED_IN, Outcome.EXPIRED),
                Arguments.of("expired beats opted out", STALE, false, LedgerState.DROPPED, null, Consent.OPTED_OUT, Outcome.EXPIRED),
                Arguments.of("superseded", LIVE, false, LedgerState.DROPPED, "m-9", Consent.OPTED_IN, Outcome.SUPERSEDED),
                Arguments.of("erased", LIVE, false, LedgerState.DROPPED, null, Consent.ERASED, Outcome.ERASED),
                Arguments.of("opted out", LIVE, false, LedgerState.DROPPED, null, Consent.OPTED_OUT, Outcome.OPTED_OUT),
                Arguments.of("dead-lettered, still wanted", LIVE, false, LedgerState.DROPPED, null, Consent.OPTED_IN, Outcome.REDRIVE),
                Arguments.of("ledger forgot it", LIVE, false, null, null, Consent.OPTED_IN, Outcome.REDRIVE),
                Arguments.of("no traveller named", LIVE, false, LedgerState.DROPPED, null, Consent.NOT_NAMED, Outcome.NO_TRAVELLER),
                Arguments.of("no longer opted in to this kind", LIVE, false, LedgerState.DROPPED, null, Consent.NOT_COVERED, Outcome.NOT_COVERED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void shouldDecideEachDeadLetter(String name, WhatsAppRequest request, boolean seenBefore, LedgerState ledger,
                                    String supersededBy, Consent consent, Outcome expected) {
        assertThat(RedriveRules.decide(new Facts(request, seenBefore, ledger, supersededBy, consent), NOW)).isEqualTo(expected);
    }

    @Test
    void shouldExpireARequestExactlyAtItsExpiry() {
        WhatsAppRequest atExpiry = request("m-3", NOW, "ABC123/1");
        assertThat(RedriveRules.decide(new Facts(atExpiry, false, null, null, Consent.OPTED_IN), NOW)).isEqualTo(Outcome.EXPIRED);
        assertThat(RedriveRules.decide(new Facts(atExpiry, false, null, null, Consent.OPTED_IN), NOW.minusMillis(1)))
                .isEqualTo(Outcome.REDRIVE);
    }

    @Test
    void shouldReadConsentFromTheLatestPreference() {
        assertThat(RedriveRules.consent(LIVE, preference(OptInStatus.OPTED_IN))).isEqualTo(Consent.OPTED_IN);
        assertThat(RedriveRules.consent(LIVE, preference(OptInStatus.OPTED_OUT))).isEqualTo(Consent.OPTED_OUT);
        assertThat(RedriveRules.consent(LIVE, null)).as("tombstone or never seen").isEqualTo(Consent.ERASED);
        WhatsAppRequest anonymous = WhatsAppRequest.newBuilder(LIVE).setCorrelation(new Correlation()).build();
        assertThat(RedriveRules.consent(anonymous, null)).isEqualTo(Consent.NOT_NAMED);
        TravellerPreference gateOnly = TravellerPreference.newBuilder(preference(OptInStatus.OPTED_IN))
                .setKinds(List.of(MessageKind.GATE_CHANGE)).build();
        assertThat(RedriveRules.consent(LIVE, gateOnly)).as("a delay, opted in to gate changes only").isEqualTo(Consent.NOT_COVERED);
        TravellerPreference newNumber = TravellerPreference.newBuilder(preference(OptInStatus.OPTED_IN))
                .setPhoneE164("+31687654321").build();
        assertThat(RedriveRules.consent(LIVE, newNumber)).as("the traveller's number changed").isEqualTo(Consent.NOT_COVERED);
    }

    @Test
    void shouldSelectByFailureWindowKindAndCode() {
        RedriveRules.Selection window = new RedriveRules.Selection(NOW.minusSeconds(3600), NOW, null, null);
        assertThat(window.selects(deadLetter(NOW.minusSeconds(3600), 131026), LIVE)).as("from is inclusive").isTrue();
        assertThat(window.selects(deadLetter(NOW, 131026), LIVE)).as("to is exclusive").isFalse();
        assertThat(window.selects(deadLetter(NOW.minusSeconds(3601), 131026), LIVE)).isFalse();

        RedriveRules.Selection delays = new RedriveRules.Selection(NOW.minusSeconds(3600), NOW, MessageKind.DELAY, 131026);
        assertThat(delays.selects(deadLetter(NOW.minusSeconds(60), 131026), LIVE)).isTrue();
        assertThat(delays.selects(deadLetter(NOW.minusSeconds(60), 131049), LIVE)).as("other code").isFalse();
        assertThat(delays.selects(deadLetter(NOW.minusSeconds(60), 131026),
                WhatsAppRequest.newBuilder(LIVE).setKind(MessageKind.GATE_CHANGE).build())).as("other kind").isFalse();
        assertThat(delays.selects(deadLetter(NOW.minusSeconds(60), 131026), null)).as("kind unknown").isFalse();
    }

    @Test
    void shouldLabelEveryOutcomeForThePlan() {
        assertThat(Stream.of(Outcome.values()).map(Outcome::label)).doesNotHaveDuplicates()
                .allMatch(l -> l.equals("redrive") || l.startsWith("skip: "));
    }

    static WhatsAppRequest request(String id, Instant expiresAt, String travellerKey) {
        return WhatsAppRequest.newBuilder().setMessageId(id).setKind(MessageKind.DELAY).setRecipient("+31612345678")
                .setTemplateName("flight_delay").setLanguage("en").setParameters(List.of()).setDocumentHeader(null)
                .setPriority(Priority.NORMAL).setCreatedAt(NOW.minusSeconds(600)).setExpiresAt(expiresAt).setSupersedes(null)
                .setCorrelation(Correlation.newBuilder().setTravellerKey(travellerKey).setFlightKey("KL1234/2026-11-23/AMS")
                        .setSourceTopic("flight.status.v1").setSourceEventId("e-" + id).build())
                .build();
    }

    static DeadLetter deadLetter(Instant failedAt, Integer code) {
        return DeadLetter.newBuilder().setReason("r").setErrorType("WHATSAPP_TERMINAL").setErrorCode(code).setStage("sender")
                .setSourceTopic("notify.whatsapp-request.v1").setSourcePartition(0).setSourceOffset(1).setFailedAt(failedAt)
                .build();
    }

    static TravellerPreference preference(OptInStatus status) {
        return TravellerPreference.newBuilder().setTravellerKey("ABC123/1").setPhoneE164("+31612345678").setLocale("en")
                .setStatus(status).setKinds(List.of(MessageKind.DELAY))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(NOW).setChannel("web").setTextVersion("v1").build())
                .setUpdatedAt(NOW).build();
    }
}
