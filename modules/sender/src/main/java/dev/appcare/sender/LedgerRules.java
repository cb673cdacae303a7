package dev.appcare.sender;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.sender.cloudapi.ErrorClass;
import java.time.Duration;

/**
 * The ledger decisions of the {@link SendPipeline}, as plain functions (unit-tested without Kafka).
 */
final class LedgerRules {

    /** What a request's ledger entry means when the request (again) arrives. */
    enum OnArrival {
        /** Nothing known: send it. */
        SEND,
        /** Already accepted by WhatsApp: a replay or a redelivery; report DUPLICATE, never send. */
        ALREADY_ACCEPTED,
        /** Already decided never to send: report DUPLICATE, never send. */
        ALREADY_DROPPED,
        /** A call started and its outcome is unknown: see {@link #inDoubtResendAt}. */
        IN_DOUBT
    }

    /** What to record after an attempt. */
    enum Record {
        /** ACCEPTED with the wamid. */
        ACCEPTED,
        /** DROPPED: dead-lettered (or expired while retrying). */
        DROPPED,
        /** Tombstone: WhatsApp answered and did not take it, so sending again is safe. */
        FORGET,
        /** Leave ATTEMPTING: nobody knows whether WhatsApp took it. */
        KEEP_ATTEMPTING
    }

    private LedgerRules() {
    }

    static OnArrival onArrival(SendLedgerEntry entry) {
        if (entry == null) {
            return OnArrival.SEND;
        }
        return switch (entry.getState()) {
            case ACCEPTED -> OnArrival.ALREADY_ACCEPTED;
            case DROPPED -> OnArrival.ALREADY_DROPPED;
            case ATTEMPTING -> OnArrival.IN_DOUBT;
        };
    }

    static Record afterAttempt(ErrorClass outcome) {
        return switch (outcome) {
            case ACCEPTED -> Record.ACCEPTED;
            case THROTTLED, TEMPORARY, SUSPEND -> Record.FORGET;
            case TERMINAL -> Record.DROPPED;
            case IN_DOUBT -> Record.KEEP_ATTEMPTING;
        };
    }

    /**
     * When an in-doubt id may be sent again: never (null) under the default at-most-once policy
     * ({@code resendAfter} null); otherwise {@code resendAfter} after the unanswered call, if by then no
     * status webhook has shown that WhatsApp took it.
     */
    static Long inDoubtResendAt(long attemptedAt, Duration resendAfter) {
        return resendAfter == null ? null : attemptedAt + resendAfter.toMillis();
    }

    /** A status webhook for an id whose call is still ATTEMPTING proves WhatsApp accepted it. */
    static boolean webhookProvesAcceptance(SendLedgerEntry entry) {
        return entry != null && entry.getState() == LedgerState.ATTEMPTING;
    }
}
