package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.LedgerState;
import dev.appcare.sender.cloudapi.ErrorClass;
import dev.appcare.sender.state.SendLedger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LedgerRulesTest {

    @Test
    void shouldSendOnlyIdsTheLedgerKnowsNothingAbout() {
        assertThat(LedgerRules.onArrival(null)).isEqualTo(LedgerRules.OnArrival.SEND);
        assertThat(LedgerRules.onArrival(SendLedger.entry("m", LedgerState.ACCEPTED, 1, "wamid.x", 2)))
                .isEqualTo(LedgerRules.OnArrival.ALREADY_ACCEPTED);
        assertThat(LedgerRules.onArrival(SendLedger.entry("m", LedgerState.DROPPED, 1, null, 2)))
                .isEqualTo(LedgerRules.OnArrival.ALREADY_DROPPED);
        assertThat(LedgerRules.onArrival(SendLedger.entry("m", LedgerState.ATTEMPTING, 1, null, 2)))
                .isEqualTo(LedgerRules.OnArrival.IN_DOUBT);
    }

    @Test
    void shouldForgetAnAttemptOnlyWhenWhatsAppAnsweredThatItDidNotTakeTheMessage() {
        assertThat(LedgerRules.afterAttempt(ErrorClass.ACCEPTED)).isEqualTo(LedgerRules.Record.ACCEPTED);
        assertThat(LedgerRules.afterAttempt(ErrorClass.THROTTLED)).isEqualTo(LedgerRules.Record.FORGET);
        assertThat(LedgerRules.afterAttempt(ErrorClass.TEMPORARY)).isEqualTo(LedgerRules.Record.FORGET);
        assertThat(LedgerRules.afterAttempt(ErrorClass.SUSPEND)).isEqualTo(LedgerRules.Record.FORGET);
        assertThat(LedgerRules.afterAttempt(ErrorClass.TERMINAL)).isEqualTo(LedgerRules.Record.DROPPED);
        assertThat(LedgerRules.afterAttempt(ErrorClass.IN_DOUBT)).isEqualTo(LedgerRules.Record.KEEP_ATTEMPTING);
    }

    @Test
    void shouldNeverResendAnInDoubtIdUnderTheDefaultPolicy() {
        assertThat(LedgerRules.inDoubtResendAt(1_000, null)).isNull();
        assertThat(LedgerRules.inDoubtResendAt(1_000, Duration.ofMinutes(2))).isEqualTo(121_000L);
    }

    @Test
    void shouldTakeAStatusWebhookAsProofOfAcceptanceOnlyWhileAttempting() {
        assertThat(LedgerRules.webhookProvesAcceptance(SendLedger.entry("m", LedgerState.ATTEMPTING, 1, null, 2))).isTrue();
        assertThat(LedgerRules.webhookProvesAcceptance(SendLedger.entry("m", LedgerState.ACCEPTED, 1, "w", 2))).isFalse();
        assertThat(LedgerRules.webhookProvesAcceptance(SendLedger.entry("m", LedgerState.DROPPED, 1, null, 2))).isFalse();
        assertThat(LedgerRules.webhookProvesAcceptance(null)).isFalse();
    }
}
