package dev.appcare.care.rules;

import java.util.List;
import java.util.Objects;

/**
 * One answer of the configurable FAQ (rule C2), in one language.
 *
 * @param id          stable id, the same across languages, e.g. baggage-allowance
 * @param question    the question as a traveller would ask it (for the agent desk and the docs)
 * @param phrases     word sequences that point at this answer; each found scores {@link FaqMatcher#PHRASE_SCORE}
 * @param keywords    single words; each found scores {@link FaqMatcher#KEYWORD_SCORE} (a word of 5+ letters
 *                    also matches longer words it starts, e.g. koffer in koffers)
 * @param answer      short answer text
 * @param link        where the full answer is
 * @param flightFacts when the traveller has a flight in the next days, answer with its facts (gate, status)
 */
public record FaqEntry(String id, String question, List<String> phrases, List<String> keywords, String answer,
                       String link, boolean flightFacts) {
    public FaqEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(answer, "answer");
        phrases = phrases.stream().map(TextNormalizer::normalize).filter(p -> !p.isEmpty()).toList();
        keywords = keywords.stream().map(TextNormalizer::normalize).filter(k -> !k.isEmpty()).toList();
    }
}
