package dev.appcare.care.rules;

import dev.appcare.avro.ConversationState;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a message needs a person, and why (rules C3, C5). In this order: a photo, video, voice note
 * or document always does (an agent must look at it); so does asking for a person; so does anything
 * said while an agent has the conversation (waiting or answered: a follow-up); and a question the FAQ
 * cannot answer. Otherwise the FAQ answer serves the traveller.
 */
public final class HandoffRules {
    public static final String MEDIA = "media";
    public static final String ASKED_FOR_AGENT = "asked-for-agent";
    public static final String FOLLOW_UP = "follow-up";
    public static final String NO_FAQ_MATCH = "no-faq-match";

    private final Map<String, Set<String>> agentWords;

    /** @param agentWords per language, words by which a traveller asks for a person (normalised) */
    public HandoffRules(Map<String, List<String>> agentWords) {
        Map<String, Set<String>> words = new java.util.HashMap<>();
        agentWords.forEach((language, list) -> words.put(language,
                Set.copyOf(list.stream().map(TextNormalizer::normalize).toList())));
        this.agentWords = Map.copyOf(words);
    }

    /**
     * @param state the conversation's state before this message (null for a new conversation)
     * @return the reason a person is needed, or empty when the FAQ answer serves
     */
    public Optional<String> reason(boolean hasMedia, String text, String language, List<FaqMatcher.Match> matches,
                                   ConversationState state) {
        if (hasMedia) {
            return Optional.of(MEDIA);
        }
        if (asksForAgent(text, language)) {
            return Optional.of(ASKED_FOR_AGENT);
        }
        if (state == ConversationState.WAITING_ON_AGENT || state == ConversationState.ANSWERED) {
            return Optional.of(FOLLOW_UP);
        }
        return matches.isEmpty() ? Optional.of(NO_FAQ_MATCH) : Optional.empty();
    }

    boolean asksForAgent(String text, String language) {
        Set<String> words = new HashSet<>(TextNormalizer.tokens(text));
        Set<String> asking = agentWords.getOrDefault(language, Set.of());
        return words.stream().anyMatch(w -> asking.contains(w) || asking.stream().anyMatch(a -> a.length() >= 5 && w.startsWith(a)));
    }
}
