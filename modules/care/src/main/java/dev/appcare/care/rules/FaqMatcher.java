package dev.appcare.care.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the FAQ answers that fit a traveller's message (rule C2), in a way anyone can follow: the message
 * and the configured terms are normalised ({@link TextNormalizer}); every configured phrase found in the
 * message (on word boundaries) scores {@value #PHRASE_SCORE}, every keyword found as a word scores
 * {@value #KEYWORD_SCORE}; an entry needs at least {@code minScore}; the best {@code maxAnswers} are
 * returned, a runner-up only if it scores at least half the best. Each match says which terms made it.
 */
public final class FaqMatcher {
    public static final int PHRASE_SCORE = 3;
    public static final int KEYWORD_SCORE = 1;
    private static final int PREFIX_MATCH_MIN_LENGTH = 5;

    /** One answer that fits, with its score and the terms found (the explanation). */
    public record Match(FaqEntry entry, int score, List<String> matchedTerms) {
    }

    private final Map<String, List<FaqEntry>> byLanguage;
    private final int minScore;
    private final int maxAnswers;

    public FaqMatcher(Map<String, List<FaqEntry>> byLanguage, int minScore, int maxAnswers) {
        if (minScore < 1 || maxAnswers < 1) {
            throw new IllegalArgumentException("minScore and maxAnswers must be at least 1");
        }
        this.byLanguage = Map.copyOf(byLanguage);
        this.minScore = minScore;
        this.maxAnswers = maxAnswers;
    }

    public Set<String> languages() {
        return byLanguage.keySet();
    }

    /** The answers for {@code text} among the FAQ of {@code language} (none if that language has no FAQ). */
    public List<Match> match(String language, String text) {
        String normalized = " " + TextNormalizer.normalize(text) + " ";
        if (normalized.isBlank()) {
            return List.of();
        }
        Set<String> words = new HashSet<>(TextNormalizer.tokens(text));
        List<Match> matches = new ArrayList<>();
        for (FaqEntry entry : byLanguage.getOrDefault(language, List.of())) {
            int score = 0;
            List<String> terms = new ArrayList<>();
            for (String phrase : entry.phrases()) {
                if (normalized.contains(" " + phrase + " ")) {
                    score += PHRASE_SCORE;
                    terms.add("\"" + phrase + "\"");
                }
            }
            for (String keyword : entry.keywords()) {
                if (words.contains(keyword) || (keyword.length() >= PREFIX_MATCH_MIN_LENGTH
                        && words.stream().anyMatch(w -> w.startsWith(keyword)))) {
                    score += KEYWORD_SCORE;
                    terms.add(keyword);
                }
            }
            if (score >= minScore) {
                matches.add(new Match(entry, score, List.copyOf(terms)));
            }
        }
        matches.sort(Comparator.comparingInt(Match::score).reversed()); // stable: FAQ order breaks ties
        List<Match> best = new ArrayList<>();
        for (Match match : matches) {
            if (best.size() == maxAnswers || (!best.isEmpty() && match.score() * 2 < best.get(0).score())) {
                break;
            }
            best.add(match);
        }
        return List.copyOf(best);
    }
}
