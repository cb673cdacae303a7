package dev.appcare.sender;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises an inbound WhatsApp reply that means "stop sending me messages" (rule S5), in the languages
 * AppCare sends in. The whole reply must be the word (case, accents and punctuation ignored: "Stop!",
 * "arrêt", "AFMELDEN."), so that "stop at gate D7?" or "cancelar mi vuelo" are not taken as opt-outs.
 */
public final class StopWords {
    /** Upper case, without accents. */
    private static final Set<String> WORDS = Set.of(
            // English (and the usual SMS keywords)
            "STOP", "STOPALL", "UNSUBSCRIBE", "OPT OUT", "OPTOUT", "CANCEL", "END", "QUIT",
            // Dutch
            "AFMELDEN", "STOPPEN", "UITSCHRIJVEN",
            // French
            "ARRET", "ARRETER", "DESABONNER", "DESINSCRIRE", "DESINSCRIPTION",
            // German
            "ABMELDEN", "ABBESTELLEN", "STOPP", "BEENDEN",
            // Spanish
            "BAJA", "CANCELAR", "PARAR", "DETENER",
            // Portuguese
            "SAIR", "DESCADASTRAR",
            // Italian
            "DISISCRIVI", "DISISCRIVITI", "BASTA");

    private StopWords() {
    }

    /** The stop word the reply consists of, lower case without accents (e.g. {@code arret}), if it is one. */
    public static Optional<String> match(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        String normal = Normalizer.normalize(reply, Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "")              // accents: ARRÊT -> ARRET
                .replaceAll("[^\\p{L}\\p{N}]+", " ")   // punctuation and emoji -> space
                .trim()
                .replaceAll(" +", " ")
                .toUpperCase(Locale.ROOT);
        if (WORDS.contains(normal)) {
            return Optional.of(normal.toLowerCase(Locale.ROOT).replace(' ', '-'));
        }
        return Optional.empty();
    }
}
