package dev.appcare.sender;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import java.util.List;

/**
 * The sender's own consent check just before a send (rule N5: an opt-out or an erasure takes effect for
 * everything not yet sent). The notifier checked consent when it made the request; this catches what
 * changed since: a STOP reply, an opt-out through the API, an erasure, a new phone number.
 */
public final class ConsentPolicy {

    public enum Verdict {
        SEND,
        /** Opted out, erased, not opted in to this kind, or the number is no longer the traveller's. */
        DROP,
        /** The request names a traveller the preference view does not know (erased, or not read yet). */
        UNKNOWN_TRAVELLER
    }

    public record Decision(Verdict verdict, String reason) {
        static final Decision SEND = new Decision(Verdict.SEND, null);
    }

    private ConsentPolicy() {
    }

    /**
     * @param preference      the request's traveller's preference, or null if unknown
     * @param phoneTravellers every known traveller with the request's recipient number (used when the
     *                        request names no traveller)
     */
    public static Decision decide(WhatsAppRequest request, TravellerPreference preference,
                                  List<TravellerPreference> phoneTravellers) {
        String travellerKey = request.getCorrelation() == null ? null : request.getCorrelation().getTravellerKey();
        if (travellerKey == null) {
            boolean allOut = !phoneTravellers.isEmpty()
                    && phoneTravellers.stream().allMatch(p -> p.getStatus() == OptInStatus.OPTED_OUT);
            return allOut ? new Decision(Verdict.DROP, "every traveller with this number opted out") : Decision.SEND;
        }
        if (preference == null) {
            return new Decision(Verdict.UNKNOWN_TRAVELLER, "no WhatsApp preference on record for " + travellerKey
                    + " (erased, or never opted in)");
        }
        if (preference.getStatus() == OptInStatus.OPTED_OUT) {
            return new Decision(Verdict.DROP, "opted out" + (preference.getOptOutSource() == null ? ""
                    : " (" + preference.getOptOutSource() + ")"));
        }
        if (!kindAllowed(request.getKind(), preference.getKinds())) {
            return new Decision(Verdict.DROP, "not opted in to " + request.getKind());
        }
        if (!preference.getPhoneE164().equals(request.getRecipient())) {
            return new Decision(Verdict.DROP, "the recipient number is no longer the traveller's");
        }
        return Decision.SEND;
    }

    /**
     * Whether a traveller opted in to {@code kinds} wants a {@code kind} message. Corrections of a delay
     * (earlier, back on time) go to those who opted in to delays; the opt-in confirmation always goes.
     * Care replies (CARE_REPLY) go to whoever wrote. An empty list carries no per-kind choice (the notifier decided per kind), so it allows every kind.
     */
    public static boolean kindAllowed(MessageKind kind, List<MessageKind> kinds) {
        // A care reply answers a message the traveller wrote: no per-kind opt-in, but an opt-out still stops it.
        if (kinds == null || kinds.isEmpty() || kind == MessageKind.OPTIN_CONFIRMATION || kind == MessageKind.UNKNOWN
                || kind == MessageKind.CARE_REPLY) {
            return true;
        }
        if (kinds.contains(kind)) {
            return true;
        }
        return (kind == MessageKind.EARLIER_DEPARTURE || kind == MessageKind.BACK_ON_TIME)
                && kinds.contains(MessageKind.DELAY);
    }
}
