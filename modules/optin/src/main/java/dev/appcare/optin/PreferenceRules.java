package dev.appcare.optin;

import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.BookingLife;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What an opt-in, a change or an opt-out does to a traveller's current preference. Plain Java, no
 * Kafka: the service reads the current state, asks these rules, and writes what they decide.
 *
 * <ul>
 *   <li>No preference yet, or one whose booking's life is over ({@link BookingLife}: booking references are
 *       recycled, so an earlier traveller's preference and opt-out do not carry over): a new opt-in,
 *       confirmed to the traveller on WhatsApp.</li>
 *   <li>Opted out: opting in again needs consent given <em>after</em> the opt-out (a booking site
 *       re-sending the original consent must not undo a STOP); it is then a new opt-in, confirmed.</li>
 *   <li>Opted in: a change. Confirmed only if the phone number changed (the new number has not been
 *       told yet). Nothing is written when nothing changed, so retries are free.</li>
 *   <li>Opt-out: recorded with its time and source {@code api}; the consent and kinds are kept as
 *       evidence. Opting out twice keeps the first opt-out's time.</li>
 * </ul>
 */
final class PreferenceRules {
    static final String OPT_OUT_SOURCE = "api";

    enum Outcome {
        /** No preference existed: a new opt-in. */
        CREATED,
        /** The traveller had opted out and opts in again with fresh consent. */
        OPTED_IN_AGAIN,
        /** An opted-in traveller's preferences changed. */
        CHANGED,
        /** Nothing to write: the request matches the current preference. */
        UNCHANGED,
        /** Refused: the consent is not newer than the opt-out. */
        STALE_CONSENT,
        /** Recorded an opt-out. */
        OPTED_OUT,
        /** Was already opted out. */
        ALREADY_OPTED_OUT,
        /** Nothing to opt out of. */
        NOT_FOUND
    }

    /**
     * @param outcome what happened
     * @param next    the preference to write, or the current one when there is nothing to write (null
     *                when there is none)
     * @param confirm whether to send the opt-in confirmation to {@code next}'s number
     */
    record Decision(Outcome outcome, TravellerPreference next, boolean confirm) {
        boolean writes() {
            return outcome == Outcome.CREATED || outcome == Outcome.OPTED_IN_AGAIN || outcome == Outcome.CHANGED
                    || outcome == Outcome.OPTED_OUT;
        }
    }

    private PreferenceRules() {
    }

    static Decision optIn(String travellerKey, TravellerPreference stored, OptInRequest request, Instant now) {
        TravellerPreference current = stored == null || BookingLife.isOver(stored, now) ? null : stored;
        TravellerPreference next = TravellerPreference.newBuilder()
                .setTravellerKey(travellerKey)
                .setPhoneE164(request.phoneE164())
                .setLocale(request.locale())
                .setStatus(OptInStatus.OPTED_IN)
                .setKinds(request.kinds())
                .setConsent(request.consent())
                .setOptedOutAt(null)
                .setOptOutSource(null)
                .setUpdatedAt(now.truncatedTo(ChronoUnit.MILLIS))
                .setValidUntil(request.validUntil())
                .build();
        if (current == null) {
            return new Decision(Outcome.CREATED, next, true);
        }
        if (current.getStatus() == OptInStatus.OPTED_OUT) {
            if (!request.consent().getGivenAt().isAfter(optedOutAt(current))) {
                return new Decision(Outcome.STALE_CONSENT, current, false);
            }
            return new Decision(Outcome.OPTED_IN_AGAIN, next, true);
        }
        if (sameContent(current, next)) {
            return new Decision(Outcome.UNCHANGED, current, false);
        }
        return new Decision(Outcome.CHANGED, next, !current.getPhoneE164().equals(next.getPhoneE164()));
    }

    static Decision optOut(TravellerPreference current, Instant now) {
        if (current == null) {
            return new Decision(Outcome.NOT_FOUND, null, false);
        }
        if (current.getStatus() == OptInStatus.OPTED_OUT) {
            return new Decision(Outcome.ALREADY_OPTED_OUT, current, false);
        }
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        TravellerPreference next = TravellerPreference.newBuilder(current)
                .setStatus(OptInStatus.OPTED_OUT)
                .setOptedOutAt(at)
                .setOptOutSource(OPT_OUT_SOURCE)
                .setUpdatedAt(at)
                .build();
        return new Decision(Outcome.OPTED_OUT, next, false);
    }

    /** When an opted-out traveller opted out; a record without the time counts from its last update. */
    static Instant optedOutAt(TravellerPreference optedOut) {
        return optedOut.getOptedOutAt() != null ? optedOut.getOptedOutAt() : optedOut.getUpdatedAt();
    }

    private static boolean sameContent(TravellerPreference a, TravellerPreference b) {
        return a.getStatus() == b.getStatus()
                && a.getPhoneE164().equals(b.getPhoneE164())
                && a.getLocale().equals(b.getLocale())
                && a.getKinds().equals(b.getKinds())
                && a.getConsent().equals(b.getConsent());
    }
}
