package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.care.CareSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FAQ matching of the shipped FAQ, per language: which answer, and which terms made it. */
class FaqMatcherTest {
    private static final FaqMatcher FAQ = CareSettings.loadDefault().faqMatcher();

    @ParameterizedTest(name = "{0}: \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
            // language | message | best answer
            "nl | Hoeveel bagage mag ik meenemen?                       | baggage-allowance",
            "nl | Mag mijn koffer 25 kilo wegen?                        | baggage-allowance",
            "nl | Wanneer kan ik online inchecken?                      | check-in",
            "nl | Mijn vlucht is geannuleerd, hoe boek ik om?           | rebooking",
            "nl | Welke gate heeft mijn vlucht?                         | flight-status",
            "en | How much luggage can I bring?                         | baggage-allowance",
            "en | When does online check-in open?                       | check-in",
            "en | My flight was cancelled, can I rebook?                | rebooking",
            "en | Which gate does my flight leave from?                 | flight-status",
            "de | Wie viel Gepäck darf ich mitnehmen?                   | baggage-allowance",
            "de | Mein Flug wurde annulliert, kann ich umbuchen?        | rebooking",
            "de | Wann kann ich einchecken?                             | check-in",
            "fr | Combien de bagages puis-je emporter ?                 | baggage-allowance",
            "fr | Mon vol est annulé, je veux un remboursement          | rebooking",
            "fr | Quand puis-je faire l'enregistrement en ligne ?       | check-in",
    })
    void shouldFindTheAnswerInTheTravellersLanguage(String language, String message, String expected) {
        List<FaqMatcher.Match> matches = FAQ.match(language, message);
        assertThat(matches).isNotEmpty();
        assertThat(matches.get(0).entry().id()).isEqualTo(expected);
    }

    @Test
    void shouldExplainTheScoreByTheTermsFound() {
        FaqMatcher.Match match = FAQ.match("nl", "Hoeveel bagage mag ik meenemen?").get(0);
        assertThat(match.matchedTerms()).containsExactly("\"hoeveel bagage\"", "bagage");
        assertThat(match.score()).isEqualTo(FaqMatcher.PHRASE_SCORE + FaqMatcher.KEYWORD_SCORE);
    }

    @Test
    void shouldMatchWithoutAccentsAndCaseAndPlurals() {
        assertThat(FAQ.match("de", "GEPACK").get(0).entry().id()).isEqualTo("baggage-allowance");
        assertThat(FAQ.match("nl", "twee koffers").get(0).matchedTerms()).containsExactly("koffer");
    }

    @Test
    void shouldAnswerNothingWhenNothingFits() {
        assertThat(FAQ.match("nl", "Goedemorgen, ik heb een vraag over mijn rekening")).isEmpty();
        assertThat(FAQ.match("en", "")).isEmpty();
        assertThat(FAQ.match("en", null)).isEmpty();
        assertThat(FAQ.match("pt_BR", "bagagem")).as("no FAQ in that language").isEmpty();
    }

    @Test
    void shouldOfferARunnerUpOnlyWhenItIsCloseToTheBest() {
        List<FaqMatcher.Match> two = FAQ.match("nl", "Mijn vlucht is geannuleerd");
        assertThat(two).extracting(m -> m.entry().id()).containsExactly("rebooking", "flight-status"); // 4 and 3
        List<FaqMatcher.Match> one = FAQ.match("nl", "Mijn vlucht is geannuleerd, hoe boek ik om?");
        assertThat(one).extracting(m -> m.entry().id()).as("7 against 3").containsExactly("rebooking");
    }
}
