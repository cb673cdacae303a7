package dev.appcare.sender;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.consent.Consent;
import java.util.List;

/**
 * The sender's consent check just before a call (rule N5: an opt-out or an erasure takes effect for
 * everything not yet sent), applying the one rule of every role ({@link Consent}) to the preference view.
 * The notifier checked consent when it made the request; this catches what changed since: a STOP reply,
 * an opt-out through the API, an erasure, a new phone number.
 *
 * <p>A request that names no traveller has no consent to check and is dropped, unless the operator set
 * the audited override {@code sender.consent.keyless-override} (its value is the reason, logged and put
 * on the status of every request sent under it); even then, a number whose every known traveller opted
 * out gets nothing.
 */
public final class ConsentPolicy {

    public enum Verdict {
        SEND,
        /** Opted out, erased, not opted in to this kind, the number is no longer the traveller's, no traveller key. */
        DROP,
        /** The request names a traveller the preference view does not know (erased, or not read yet). */
        UNKNOWN_TRAVELLER
    }

    /** {@code reason} is why it is dropped, or, for a SEND under the keyless override, the audit note. */
    public record Decision(Verdict verdict, String reason) {
        static final Decision SEND = new Decision(Verdict.SEND, null);
    }

    private ConsentPolicy() {
    }

    /**
     * @param preference      the request's traveller's preference, or null if unknown
     * @param phoneTravellers every known traveller with the request's recipient number (used when the
     *                        request names no traveller)
     * @param keylessOverride the operator's reason for sending requests without a traveller key, or null
     */
    public static Decision decide(WhatsAppRequest request, TravellerPreference preference,
                                  List<TravellerPreference> phoneTravellers, String keylessOverride) {
        String travellerKey = request.getCorrelation() == null ? null : request.getCorrelation().getTravellerKey();
        if (request.getKind() == MessageKind.CARE_REPLY && (travellerKey == null || travellerKey.isBlank())
                && allOptedOut(phoneTravellers)) {
            return new Decision(Verdict.DROP, "every traveller with this number opted out");
        }
        Consent.Decision rule = Consent.decide(request.getKind(), travellerKey, preference, request.getRecipient());
        return switch (rule.verdict()) {
            case ALLOWED -> Decision.SEND;
            case NO_PREFERENCE -> new Decision(Verdict.UNKNOWN_TRAVELLER, rule.reason() + " for " + travellerKey);
            case NO_TRAVELLER_KEY -> keyless(phoneTravellers, keylessOverride, rule);
            case OPTED_OUT, NUMBER_CHANGED, KIND_NOT_CHOSEN -> new Decision(Verdict.DROP, rule.reason());
        };
    }

    private static Decision keyless(List<TravellerPreference> phoneTravellers, String override, Consent.Decision rule) {
        if (override == null || override.isBlank()) {
            return new Decision(Verdict.DROP, rule.reason() + " (no sender.consent.keyless-override set)");
        }
        return allOptedOut(phoneTravellers) ? new Decision(Verdict.DROP, "every traveller with this number opted out")
                : new Decision(Verdict.SEND, "sent without a traveller key under the ops override: " + override);
    }

    private static boolean allOptedOut(List<TravellerPreference> phoneTravellers) {
        return !phoneTravellers.isEmpty()
                && phoneTravellers.stream().allMatch(p -> p.getStatus() == OptInStatus.OPTED_OUT);
    }
}
