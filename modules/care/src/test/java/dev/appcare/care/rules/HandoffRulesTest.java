package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConversationState;
import dev.appcare.care.CareSettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HandoffRulesTest {
    private static final CareSettings SETTINGS = CareSettings.loadDefault();
    private static final HandoffRules RULES = SETTINGS.handoffRules();
    private static final FaqMatcher FAQ = SETTINGS.faqMatcher();

    @ParameterizedTest(name = "{0} media={1} state={3}: \"{2}\" -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // language | media | text | state before | reason (- = the FAQ answer serves)
            "nl | false | Hoeveel bagage mag ik meenemen?                | -                | -",
            "nl | true  | Mijn koffer is zo aangekomen                   | -                | media",
            "nl | false | Hoeveel bagage mag ik meenemen? Graag een medewerker | -          | asked-for-agent",
            "en | false | Can I talk to a human please?                  | -                | asked-for-agent",
            "nl | false | Hoeveel bagage mag ik meenemen?                | WAITING_ON_AGENT | follow-up",
            "nl | false | Bedankt!                                       | ANSWERED         | follow-up",
            "nl | false | Ik wil mijn naam laten wijzigen                | -                | no-faq-match",
            "nl | false | Ik wil mijn naam laten wijzigen                | OPEN             | no-faq-match",
    })
    void shouldSendToAPersonWhatTheFaqCannotAnswer(String language, boolean media, String text, ConversationState state,
                                                   String reason) {
        List<FaqMatcher.Match> matches = FAQ.match(language, text);
        assertThat(RULES.reason(media, text, language, matches, state)).isEqualTo(Optional.ofNullable(reason));
    }
}
