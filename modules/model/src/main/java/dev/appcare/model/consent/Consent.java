package dev.appcare.model.consent;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import java.util.List;

/**
 * Rule N5, the one consent rule of every role: the notifier when it makes a request, the opt-in API when
 * it confirms an opt-in, the sender just before each call. Whether a traveller's preference allows a kind
 * of message to a number:
 *
 * <ul>
 *   <li>a request must name its traveller: without a traveller key there is no consent to check
 *       ({@link Verdict#NO_TRAVELLER_KEY}; only an explicit, audited override may send it anyway);</li>
 *   <li>no preference on record (never opted in, or erased) is no consent;</li>
 *   <li>only {@code OPTED_IN} counts;</li>
 *   <li>the number must be the one the traveller opted in with (a changed number is not the traveller);</li>
 *   <li>the kind must be among {@code kinds}; delay corrections ({@code EARLIER_DEPARTURE},
 *       {@code BACK_ON_TIME}) are covered by {@code DELAY}, the check-in reminder ({@code CHECKIN_OPEN}) by
 *       {@code BOARDING_PASS}; the {@code OPTIN_CONFIRMATION} goes to every
 *       opted-in traveller (it confirms the opt-in itself); {@code UNKNOWN} (a kind this code does not
 *       know) is never covered;</li>
 *   <li>a {@code CARE_REPLY} answers someone who wrote to us: it needs no traveller key, preference or
 *       per-kind opt-in, and only an opt-out stops it.</li>
 * </ul>
 *
 * <b>An empty {@code kinds} list means no kind</b>: the traveller opted in to nothing but the
 * confirmation. (It is the Avro default, so a writer that forgot the field gets silence, not a flood.)
 */
public final class Consent {

    public enum Verdict {
        ALLOWED,
        NO_TRAVELLER_KEY,
        NO_PREFERENCE,
        OPTED_OUT,
        NUMBER_CHANGED,
        KIND_NOT_CHOSEN
    }

    public record Decision(Verdict verdict, String reason) {
        public boolean allowed() {
            return verdict == Verdict.ALLOWED;
        }
    }

    private static final Decision ALLOWED = new Decision(Verdict.ALLOWED, null);

    private Consent() {
    }

    /**
     * @param travellerKey the traveller the message is for (the request's correlation)
     * @param preference   that traveller's current preference, or null if none is on record
     * @param recipient    the number the message goes to, or null when the caller takes the number from
     *                     the preference itself (the notifier)
     */
    public static Decision decide(MessageKind kind, String travellerKey, TravellerPreference preference, String recipient) {
        if (kind == MessageKind.CARE_REPLY) {
            // A care reply answers a message the traveller wrote to us (C1, C3): no per-kind opt-in and no
            // booking needed, but a traveller who said stop gets nothing, not even an answer.
            return preference != null && preference.getStatus() != OptInStatus.OPTED_IN
                    ? new Decision(Verdict.OPTED_OUT, "opted out" + (preference.getOptOutSource() == null ? ""
                            : " (" + preference.getOptOutSource() + ")"))
                    : ALLOWED;
        }
        if (travellerKey == null || travellerKey.isBlank()) {
            return new Decision(Verdict.NO_TRAVELLER_KEY, "the request names no traveller, so no consent can be checked");
        }
        if (preference == null) {
            return new Decision(Verdict.NO_PREFERENCE, "no WhatsApp preference on record (erased, or never opted in)");
        }
        if (preference.getStatus() != OptInStatus.OPTED_IN) {
            return new Decision(Verdict.OPTED_OUT, "opted out"
                    + (preference.getOptOutSource() == null ? "" : " (" + preference.getOptOutSource() + ")"));
        }
        if (recipient != null && !recipient.equals(preference.getPhoneE164())) {
            return new Decision(Verdict.NUMBER_CHANGED, "the recipient number is no longer the traveller's");
        }
        if (!kindCovered(kind, preference.getKinds())) {
            return new Decision(Verdict.KIND_NOT_CHOSEN, "not opted in to " + kind);
        }
        return ALLOWED;
    }

    /** The notifier's question: may this traveller (at the number of their preference) get {@code kind}? */
    public static boolean allows(TravellerPreference preference, MessageKind kind) {
        return preference != null && decide(kind, preference.getTravellerKey(), preference, null).allowed();
    }

    /** Whether opting in to {@code kinds} covers a {@code kind} message; an empty list covers nothing but the confirmation. */
    public static boolean kindCovered(MessageKind kind, List<MessageKind> kinds) {
        if (kind == MessageKind.OPTIN_CONFIRMATION) {
            return true;
        }
        if (kind == null || kind == MessageKind.UNKNOWN || kinds == null) {
            return false;
        }
        return kinds.contains(consentKind(kind));
    }

    /** The kind a traveller opts in to that covers {@code kind}. */
    public static MessageKind consentKind(MessageKind kind) {
        return switch (kind) {
            case EARLIER_DEPARTURE, BACK_ON_TIME -> MessageKind.DELAY;
            // The check-in reminder (N13) leads to the boarding pass: who asked for the pass asked for help
            // getting it, and every opt-in made before the kind existed is covered without being re-asked.
            case CHECKIN_OPEN -> MessageKind.BOARDING_PASS;
            default -> kind;
        };
    }
}
