package dev.appcare.sender;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.sender.cloudapi.ErrorClass;

/**
 * The sender's decision core: what to do with a request at its three moments — when it arrives, just
 * before its call, after the call's outcome — as plain functions from facts to a decision value
 * (table-tested in {@code SendDecisionsTest} without Kafka or HTTP). {@link SendPipeline} and its helpers
 * only gather the facts and apply the decisions.
 */
final class SendDecisions {

    private SendDecisions() {
    }

    // ─── on arrival ─────────────────────────────────────────────────────────────────────────────

    enum Arrival {
        /** Queue it. */
        QUEUE,
        /** This instance holds a copy, or is recording an outcome for it: DUPLICATE, not sent. */
        COPY_IN_PROGRESS,
        /** The ledger says ACCEPTED: DUPLICATE, never sent again. */
        ALREADY_ACCEPTED,
        /** The ledger says DROPPED: DUPLICATE, never sent. */
        ALREADY_DROPPED,
        /**
         * The ledger says ATTEMPTING: queue it to wait for the answer or evidence ({@link InDoubtPolicy#waitUntil});
         * a kind that is resent then goes (past the wait at once).
         */
        IN_DOUBT_WAIT,
        /**
         * The ledger says ATTEMPTING, the wait is over and the kind is not resent: the in-doubt policy gives it
         * up (ledger DROPPED {@code in-doubt-not-resent}, status UNKNOWN with the reason), not sent.
         */
        IN_DOUBT_GIVE_UP,
        /** Past expiresAt: EXPIRED. */
        EXPIRED
    }

    static Arrival onArrival(boolean copyInProgress, SendLedgerEntry entry, MessageKind kind, long now,
                             long expiresAt, InDoubtPolicy policy) {
        if (copyInProgress) {
            return Arrival.COPY_IN_PROGRESS;
        }
        if (entry != null) {
            return switch (entry.getState()) {
                case ACCEPTED -> Arrival.ALREADY_ACCEPTED;
                case DROPPED -> Arrival.ALREADY_DROPPED;
                case ATTEMPTING -> now >= expiresAt ? Arrival.EXPIRED
                        : now < policy.waitUntil(kind, entry.getAt().toEpochMilli())
                        || policy.afterWait(kind) == InDoubtPolicy.Resolution.RESEND
                        ? Arrival.IN_DOUBT_WAIT : Arrival.IN_DOUBT_GIVE_UP;
            };
        }
        return now >= expiresAt ? Arrival.EXPIRED : Arrival.QUEUE;
    }

    // ─── just before the call ───────────────────────────────────────────────────────────────────

    enum Before {
        /** Claim the id in the ledger, then call. */
        CALL,
        /** Claim the id superseding the in-doubt claim it waited on, then call (the in-doubt policy's resend). */
        RESEND,
        /**
         * A redrive over the DROPPED entry it arrived over: claim the id superseding that entry
         * ({@link dev.appcare.sender.state.LedgerEntries#dropMark}), then call.
         */
        REDRIVE,
        /** The partition is no longer ours (or our ownership is not confirmed): hand it back, do not call. */
        NOT_OURS,
        EXPIRED,
        /** The ledger changed since arrival (another instance or a webhook recorded it): DUPLICATE. */
        DUPLICATE,
        /** A status webhook proved the in-doubt call accepted: report ACCEPTED, do not call. */
        PROVED_ACCEPTED,
        /** An attempt holds the id, no answer nor evidence yet: wait on it until {@link InDoubtPolicy#waitUntil}. */
        WAIT_FOR_EVIDENCE,
        /**
         * The wait on an unanswered attempt is over, no evidence came and its kind is not resent: ledger
         * DROPPED {@code in-doubt-not-resent}, status UNKNOWN with the reason.
         */
        IN_DOUBT_GIVE_UP,
        /** Consent withdrawn (or none): OPTED_OUT. */
        NO_CONSENT,
        /** The traveller is unknown to the preference view: catch it up, look again shortly. */
        CHECK_CONSENT_AGAIN
    }

    /**
     * @param owned          the request's partition is assigned here and the ownership lease is fresh
     * @param entry          the ledger's entry for the id now
     * @param inDoubt        the job waits on an unanswered attempt (its own, or another instance's)
     * @param waitedOnClaim  the claim of that attempt (null for a claim from before claims had ids)
     * @param uncalledClaim  a claim of this job whose call was never made (its write timed out), or null
     * @param redrivenOver   on a redrive that arrived over a DROPPED entry: that entry's
     *                       {@link dev.appcare.sender.state.LedgerEntries#dropMark}, which it may supersede; else null
     * @param evidenceUntil  until when to wait for evidence about {@code waitedOnClaim}
     * @param consent        the consent decision now (null when not yet asked: the checks before it failed)
     * @param consentSettled the preference view was caught up (or gave up trying) for an unknown traveller
     */
    static Before beforeCall(long now, long expiresAt, boolean owned, SendLedgerEntry entry, MessageKind kind,
                             boolean inDoubt, String waitedOnClaim, String uncalledClaim, String redrivenOver,
                             long evidenceUntil, InDoubtPolicy policy,
                             ConsentPolicy.Verdict consent, boolean consentSettled, boolean sendUnknownTravellers) {
        if (!owned) {
            return Before.NOT_OURS;
        }
        if (now >= expiresAt) {
            return Before.EXPIRED;
        }
        boolean resend = false;
        boolean redrive = false;
        if (entry != null) {
            switch (entry.getState()) {
                case ACCEPTED -> {
                    return inDoubt ? Before.PROVED_ACCEPTED : Before.DUPLICATE;
                }
                case DROPPED -> {
                    if (redrivenOver != null && redrivenOver.equals(dev.appcare.sender.state.LedgerEntries.dropMark(entry))) {
                        redrive = true; // the drop this redrive was asked to override, and no other
                        break;
                    }
                    return Before.DUPLICATE;
                }
                case ATTEMPTING -> {
                    if (uncalledClaim != null && uncalledClaim.equals(entry.getClaim())) {
                        resend = true; // our own claim, and we never called: supersede it
                        break;
                    }
                    boolean sameClaim = inDoubt && java.util.Objects.equals(waitedOnClaim, entry.getClaim());
                    if (!sameClaim || now < evidenceUntil) {
                        return Before.WAIT_FOR_EVIDENCE; // another claim (re)starts the wait: the caller waits on it
                    }
                    if (policy.afterWait(kind) == InDoubtPolicy.Resolution.GIVE_UP) {
                        return Before.IN_DOUBT_GIVE_UP;
                    }
                    resend = true;
                }
            }
        }
        if (consent == ConsentPolicy.Verdict.DROP) {
            return Before.NO_CONSENT;
        }
        if (consent == ConsentPolicy.Verdict.UNKNOWN_TRAVELLER) {
            if (!consentSettled) {
                return Before.CHECK_CONSENT_AGAIN;
            }
            if (!sendUnknownTravellers) {
                return Before.NO_CONSENT;
            }
        }
        return resend ? Before.RESEND : redrive ? Before.REDRIVE : Before.CALL;
    }

    // ─── after the outcome ──────────────────────────────────────────────────────────────────────

    enum After {
        /** Ledger ACCEPTED with the wamid, status ACCEPTED. */
        RECORD_ACCEPTED,
        /** WhatsApp did not take it (or nothing was sent): tombstone the claim, retry at the given time. */
        RETRY,
        /** Retriable, but the retry would come after expiresAt: ledger DROPPED, status EXPIRED. */
        EXPIRE,
        /** Ledger DROPPED, dead letter with the code, status DEAD_LETTERED. */
        DEAD_LETTER,
        /** Pause all sending (190, 368 ...), tombstone the claim, keep the request at its place. */
        SUSPEND,
        /**
         * 131057: pause this business number for {@code sender.number-pause} (its throughput is being
         * upgraded), tombstone the claim, keep the request at its place; not an error, not an attempt.
         */
        PAUSE_NUMBER,
        /**
         * No answer: keep the claim and wait for evidence (a status webhook) until {@link InDoubtPolicy#waitUntil};
         * then the per-kind policy resends it or gives it up ({@link #beforeCall}). Every kind waits.
         */
        IN_DOUBT_WAIT,
        /** Our claim lost to another attempt: look at the ledger again, as before a call. */
        CLAIM_LOST
    }

    static After afterOutcome(ErrorClass outcome, boolean claimWon, long retryAt, long expiresAt, MessageKind kind,
                              InDoubtPolicy policy) {
        if (!claimWon) {
            return After.CLAIM_LOST;
        }
        return switch (outcome) {
            case ACCEPTED -> After.RECORD_ACCEPTED;
            case THROTTLED, TEMPORARY -> retryAt >= expiresAt ? After.EXPIRE : After.RETRY;
            case TERMINAL -> After.DEAD_LETTER;
            case SUSPEND -> After.SUSPEND;
            case NUMBER_PAUSED -> After.PAUSE_NUMBER;
            case IN_DOUBT -> After.IN_DOUBT_WAIT;
        };
    }

    // ─── the messaging limit, just before the call ──────────────────────────────────────────────

    enum Room {
        /** Within the limit (or no new conversation, or an unlimited tier): send. */
        SEND,
        /** Within the urgent reserve and URGENT: send, from the reserve. */
        SEND_FROM_RESERVE,
        /** Within the reserve and not URGENT, or the limit is used up: wait for room (or expire). */
        WAIT
    }

    /**
     * Whether a request may start a conversation under the portfolio's messaging limit.
     *
     * @param businessInitiated a template message (free-form text inside the service window opens no conversation)
     * @param inWindow          the recipient was already contacted within the rolling window (costs nothing more)
     * @param used              unique recipients contacted within the window
     * @param limit             this instance's limit, {@link MessagingLimit#UNLIMITED} for none
     * @param reserve           how many of the limit only URGENT requests may use
     */
    static Room room(boolean businessInitiated, boolean inWindow, long used, long limit, long reserve, boolean urgent) {
        if (!businessInitiated || inWindow || limit == MessagingLimit.UNLIMITED || used < limit - reserve) {
            return Room.SEND;
        }
        return urgent && used < limit ? Room.SEND_FROM_RESERVE : Room.WAIT;
    }
}
