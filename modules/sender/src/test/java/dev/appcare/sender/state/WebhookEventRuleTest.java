package dev.appcare.sender.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.WebhookEventClaim;
import dev.appcare.avro.WebhookEventStep;
import dev.appcare.sender.state.WebhookEventRule.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The webhook dedup rule as tables: the state a sequence of log records makes (the same on every instance
 * and after any restart, because it reads the records only), and what a delivery does with that state.
 * Times are minutes after an arbitrary instant; the takeover time is 5 minutes.
 */
class WebhookEventRuleTest {
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final Duration TAKEOVER = Duration.ofMinutes(5);

    /** "CLAIMED:a@0" = claim a written at minute 0. */
    private static WebhookEventClaim record(String spec) {
        String[] stepAndRest = spec.split(":");
        String[] claimAndAt = stepAndRest[1].split("@");
        return WebhookEventClaim.newBuilder().setStep(WebhookEventStep.valueOf(stepAndRest[0]))
                .setClaim(claimAndAt[0]).setAt(T0.plus(Duration.ofMinutes(Long.parseLong(claimAndAt[1])))).build();
    }

    private static WebhookEventClaim replay(String log) {
        List<WebhookEventClaim> records = log.isBlank() ? List.of()
                : Arrays.stream(log.split(" ")).map(WebhookEventRuleTest::record).toList();
        WebhookEventClaim state = null;
        for (WebhookEventClaim r : records) {
            state = WebhookEventRule.apply(state, r, TAKEOVER);
        }
        return state;
    }

    private static String describe(WebhookEventClaim state) {
        return state == null ? "none" : state.getStep() + ":" + state.getClaim();
    }

    @ParameterizedTest(name = "log [{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                        | none
            CLAIMED:a@0                               | CLAIMED:a
            CLAIMED:a@0 CLAIMED:b@0                   | CLAIMED:a
            CLAIMED:a@0 CLAIMED:b@1 DONE:a@1          | DONE:a
            CLAIMED:a@0 CLAIMED:b@1 DONE:b@1          | CLAIMED:a
            CLAIMED:a@0 DONE:a@0 CLAIMED:b@9          | DONE:a
            CLAIMED:a@0 RELEASED:a@1                  | none
            CLAIMED:a@0 RELEASED:a@1 CLAIMED:b@2      | CLAIMED:b
            CLAIMED:a@0 RELEASED:b@1                  | CLAIMED:a
            CLAIMED:a@0 DONE:a@1 RELEASED:a@2         | DONE:a
            CLAIMED:a@0 CLAIMED:b@4                   | CLAIMED:a
            CLAIMED:a@0 CLAIMED:b@5                   | CLAIMED:b
            CLAIMED:a@0 CLAIMED:b@5 DONE:a@6          | CLAIMED:b
            CLAIMED:a@0 CLAIMED:b@5 DONE:b@6          | DONE:b
            DONE:a@0                                  | none
            RELEASED:a@0                              | none
            """)
    void theFirstClaimInTheLogWinsUnlessItWentStale(String log, String expected) {
        assertThat(describe(replay(log))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "state [{0}], delivery at minute {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                    | 0   | CLAIM
            CLAIMED:a@0           | 0   | IN_PROGRESS
            CLAIMED:a@0           | 4   | IN_PROGRESS
            CLAIMED:a@0           | 5   | CLAIM
            CLAIMED:a@0 DONE:a@0  | 1   | DUPLICATE
            CLAIMED:a@0 DONE:a@0  | 9000 | DUPLICATE
            CLAIMED:a@0 RELEASED:a@0 | 1 | CLAIM
            """)
    void aDeliveryAppliesOnlyAnEventNobodyAppliedOrIsApplying(String log, long minute, Verdict expected) {
        assertThat(WebhookEventRule.decide(replay(log), T0.plus(Duration.ofMinutes(minute)).toEpochMilli(), TAKEOVER))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "state [{0}], claim {1} won: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            CLAIMED:a@0             | a | true
            CLAIMED:a@0             | b | false
            CLAIMED:a@0 CLAIMED:b@0 | b | false
            CLAIMED:a@0 DONE:a@0    | a | false
            ''                      | a | false
            """)
    void onlyTheRecordedClaimMayApply(String log, String claim, boolean won) {
        assertThat(WebhookEventRule.won(replay(log), claim)).isEqualTo(won);
    }

    @org.junit.jupiter.api.Test
    void theKeyIsADigestThatHoldsNoPartOfTheEventId() {
        String wamid = "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQTdCRDRDNjY1QTc5RUNGQUI2AA==";
        String key = WebhookEvents.digest("message|" + wamid);
        assertThat(key).hasSize(64).matches("[0-9a-f]+").doesNotContain("HBgL").doesNotContain("31612345678");
        assertThat(WebhookEvents.digest("message|" + wamid)).isEqualTo(key);
        assertThat(WebhookEvents.digest("message|" + wamid + "x")).isNotEqualTo(key);
    }
}
