package dev.appcare.ops.rules;

import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import java.time.Instant;

/**
 * Which dead letters of {@code notify.whatsapp-request.dlq.v1} a redrive sends back to the request
 * topic, and why the others are skipped. Plain functions over what the shell read from Kafka; the
 * order of the checks is the order of the table in {@code docs/ops.md}.
 */
public final class RedriveRules {

    /** What the redrive does with one dead letter. */
    public enum Outcome {
        /** Back to {@code notify.whatsapp-request.v1}, marked as a redrive. */
        REDRIVE("redrive"),
        /** Not a request the sender gave up on (undecodable bytes, no original value): redriving repeats the failure. */
        NOT_A_REQUEST("skip: not a redrivable request"),
        /** The same messageId was dead-lettered more than once in the window: redriven once. */
        REPEATED("skip: same messageId earlier in this redrive"),
        /** The ledger says WhatsApp accepted it meanwhile (sent by a later copy). */
        ALREADY_SENT("skip: sent meanwhile (ledger ACCEPTED)"),
        /** A call for it is in doubt (ledger ATTEMPTING): WhatsApp may have it; never resent automatically. */
        IN_DOUBT("skip: in doubt (ledger ATTEMPTING)"),
        /** Past its {@code expiresAt}: no longer useful. */
        EXPIRED("skip: expired"),
        /** A newer request replaces it (its {@code supersedes} names this one). */
        SUPERSEDED("skip: superseded"),
        /** The traveller was erased (tombstone) or has no preference on record any more. */
        ERASED("skip: traveller erased"),
        /** The traveller opted out since. */
        OPTED_OUT("skip: traveller opted out"),
        /** Still opted in, but no longer to this kind of message, or with another number. */
        NOT_COVERED("skip: consent no longer covers this kind or number"),
        /** The request names no traveller: no consent to check, so the sender would not send it. */
        NO_TRAVELLER("skip: names no traveller");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Where the traveller's consent stands now, from the latest {@code traveller.preference.v1} record. */
    public enum Consent {
        /** Opted in to this kind of message, at the request's number (the one rule: model's {@code Consent}). */
        OPTED_IN,
        OPTED_OUT,
        /** Opted in, but not to this kind, or with another number. */
        NOT_COVERED,
        /** A tombstone is the latest record, or there is no record for the key at all. */
        ERASED,
        /** The request names no traveller: there is no consent to check. */
        NOT_NAMED
    }

    /** The operator's selection: a failure-time window {@code [from, to)}, optionally one kind and one error code. */
    public record Selection(Instant from, Instant to, MessageKind kind, Integer errorCode) {
        public Selection {
            if (from == null || to == null || !from.isBefore(to)) {
                throw new IllegalArgumentException("the window needs --from before --to");
            }
        }

        /** Whether a dead letter (with its decoded request, possibly null) is in the selection at all. */
        public boolean selects(DeadLetter deadLetter, WhatsAppRequest request) {
            Instant failedAt = deadLetter.getFailedAt();
            if (failedAt.isBefore(from) || !failedAt.isBefore(to)) {
                return false;
            }
            if (kind != null && (request == null || request.getKind() != kind)) {
                return false;
            }
            return errorCode == null || errorCode.equals(deadLetter.getErrorCode());
        }
    }

    /**
     * Everything known about one selected dead letter.
     *
     * @param request      the original request decoded from the dead letter, null if it could not be
     * @param seenBefore   the same messageId was already decided earlier in this redrive
     * @param ledger       the sender's ledger state for the messageId now, null if it has no entry
     * @param supersededBy the messageId of a newer request that supersedes it, null if none
     * @param consent      see {@link #consent}
     */
    public record Facts(WhatsAppRequest request, boolean seenBefore, LedgerState ledger, String supersededBy,
                        Consent consent) {
    }

    private RedriveRules() {
    }

    public static Outcome decide(Facts facts, Instant now) {
        if (facts.request() == null) {
            return Outcome.NOT_A_REQUEST;
        }
        if (facts.seenBefore()) {
            return Outcome.REPEATED;
        }
        if (facts.ledger() == LedgerState.ACCEPTED) {
            return Outcome.ALREADY_SENT;
        }
        if (facts.ledger() == LedgerState.ATTEMPTING) {
            return Outcome.IN_DOUBT;
        }
        if (!now.isBefore(facts.request().getExpiresAt())) {
            return Outcome.EXPIRED;
        }
        if (facts.supersededBy() != null) {
            return Outcome.SUPERSEDED;
        }
        return switch (facts.consent()) {
            case ERASED -> Outcome.ERASED;
            case OPTED_OUT -> Outcome.OPTED_OUT;
            case NOT_COVERED -> Outcome.NOT_COVERED;
            case NOT_NAMED -> Outcome.NO_TRAVELLER;
            case OPTED_IN -> Outcome.REDRIVE;
        };
    }

    /**
     * The traveller's consent now, by the one consent rule every role applies
     * ({@link dev.appcare.model.consent.Consent}), from the latest preference record for the request's
     * traveller key: {@code latest} null means a tombstone or no record.
     */
    public static Consent consent(WhatsAppRequest request, TravellerPreference latest) {
        String travellerKey = request.getCorrelation() == null ? null : request.getCorrelation().getTravellerKey();
        var decision = dev.appcare.model.consent.Consent.decide(request.getKind(), travellerKey, latest,
                request.getRecipient());
        return switch (decision.verdict()) {
            case ALLOWED -> Consent.OPTED_IN;
            case NO_TRAVELLER_KEY -> Consent.NOT_NAMED;
            case NO_PREFERENCE -> Consent.ERASED;
            case OPTED_OUT -> Consent.OPTED_OUT;
            case NUMBER_CHANGED, KIND_NOT_CHOSEN -> Consent.NOT_COVERED;
        };
    }
}
