package dev.appcare.care.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which language care answers in (rule C1): the traveller's own preference if care has texts in it (its
 * base language counts: {@code en_US} is answered in {@code en}); else the language the message is written
 * in, if one language's typical words clearly win; else the default.
 */
public final class LanguageChoice {

    /** The language and how it was chosen: {@code preference}, {@code detected} or {@code default}. */
    public record Choice(String language, String source) {
    }

    private final Set<String> supported;
    private final String defaultLanguage;
    private final Map<String, Set<String>> typicalWords;

    /**
     * @param supported       languages care has texts in
     * @param typicalWords    per language, words typical of it (normalised like messages)
     */
    public LanguageChoice(Set<String> supported, String defaultLanguage, Map<String, List<String>> typicalWords) {
        if (!supported.contains(defaultLanguage)) {
            throw new IllegalArgumentException("the default language " + defaultLanguage + " has no texts");
        }
        this.supported = Set.copyOf(supported);
        this.defaultLanguage = defaultLanguage;
        Map<String, Set<String>> words = new TreeMap<>();
        typicalWords.forEach((language, list) -> words.put(language,
                Set.copyOf(list.stream().map(TextNormalizer::normalize).toList())));
        this.typicalWords = words;
    }

    /** @param preferredLocale the traveller's template language (e.g. nl, en_US), or null if unknown */
    public Choice choose(String preferredLocale, String text) {
        String preferred = supportedBase(preferredLocale);
        if (preferred != null) {
            return new Choice(preferred, "preference");
        }
        String detected = detect(text);
        return detected != null ? new Choice(detected, "detected") : new Choice(defaultLanguage, "default");
    }

    /** The supported language a locale is in, or null: {@code nl} -> nl, {@code en_US} -> en, {@code pt_BR} -> null. */
    public String supportedBase(String locale) {
        if (locale == null || locale.isBlank()) {
            return null;
        }
        if (supported.contains(locale)) {
            return locale;
        }
        String base = locale.split("[_-]")[0].toLowerCase(Locale.ROOT);
        return supported.contains(base) ? base : null;
    }

    /** The one supported language with the most typical words in the text, or null (none, or a tie). */
    public String detect(String text) {
        Set<String> words = new HashSet<>(TextNormalizer.tokens(text));
        String best = null;
        int bestHits = 0;
        boolean tie = false;
        for (Map.Entry<String, Set<String>> language : typicalWords.entrySet()) {
            if (!supported.contains(language.getKey())) {
                continue;
            }
            int hits = (int) words.stream().filter(language.getValue()::contains).count();
            if (hits > bestHits) {
                best = language.getKey();
                bestHits = hits;
                tie = false;
            } else if (hits == bestHits && hits > 0) {
                tie = true;
            }
        }
        return tie ? null : best;
    }
}
