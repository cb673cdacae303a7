package dev.appcare.sender.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.sender.webhook.StopRule.Decision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StopRuleTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private final StopRule rule = new StopRule(Duration.ofHours(24));

    private static TravellerPreference preference(OptInStatus status, Instant consentGivenAt) {
        return TravellerPreference.newBuilder(WebhookProcessorTest.optedIn("ABC123/1", "+31612345678")).setStatus(status)
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(consentGivenAt).setChannel("booking-web")
                        .setTextVersion("v1").build()).build();
    }

    @Test
    void shouldDecideEveryCaseOfAStop() {
        Instant consent = NOW.minus(Duration.ofDays(3));
        record Case(Instant stopAt, OptInStatus status, Instant consentAt, Decision expected) {
        }
        var cases = new Case[] {
            new Case(NOW.minusSeconds(5), OptInStatus.OPTED_IN, consent, Decision.OPT_OUT),
            new Case(NOW.minus(Duration.ofHours(24)), OptInStatus.OPTED_IN, consent, Decision.OPT_OUT), // at the edge: fresh
            new Case(NOW.minus(Duration.ofHours(24)).minusSeconds(1), OptInStatus.OPTED_IN, consent, Decision.STALE),
            new Case(NOW.minus(Duration.ofDays(6)), OptInStatus.OPTED_IN, consent, Decision.STALE), // Meta retried for days
            new Case(NOW.minusSeconds(5), OptInStatus.OPTED_OUT, consent, Decision.ALREADY_OPTED_OUT),
            // A replayed STOP from before the traveller opted in again: the new consent stands.
            new Case(NOW.minus(Duration.ofHours(2)), OptInStatus.OPTED_IN, NOW.minus(Duration.ofHours(1)), Decision.CONSENT_IS_NEWER),
            // Same second (WhatsApp's timestamps are whole seconds): the STOP wins.
            new Case(NOW.minusSeconds(60), OptInStatus.OPTED_IN, NOW.minusSeconds(60).plusMillis(700), Decision.OPT_OUT),
        };
        for (Case c : cases) {
            assertThat(rule.decide(c.stopAt(), NOW, preference(c.status(), c.consentAt()))).as("%s", c).isEqualTo(c.expected());
        }
    }

    @Test
    void shouldRefuseAnEmptyWindow() {
        assertThatThrownBy(() -> new StopRule(Duration.ZERO)).hasMessageContaining("positive");
    }
}
