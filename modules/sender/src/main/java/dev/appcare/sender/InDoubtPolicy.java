package dev.appcare.sender;

import dev.appcare.avro.MessageKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What happens to a messageId whose call went unanswered (in doubt: WhatsApp may or may not have it).
 * Every kind first waits up to {@code evidenceWait} after the call for evidence: a status webhook carries
 * the messageId in {@code biz_opaque_callback_data} and turns the ledger entry ACCEPTED (then it is
 * reported ACCEPTED and never sent again). Without evidence by then, the per-kind policy resolves it
 * ({@link #afterWait}): kinds in {@code resendKinds} are sent again (worth the risk of a duplicate: a
 * cancellation, a diversion, a boarding pass); the others are dropped for good with a recorded reason —
 * ledger DROPPED {@code in-doubt-not-resent}, status UNKNOWN saying why (a duplicate delay notice is worse
 * than a missing one). So no id stays undecided: each one ends accepted, resent or dropped with a reason.
 *
 * <p>{@code answerWait} (the request timeout plus a margin): an attempt of another instance younger than
 * that may still be answered (a call in flight while its partition moves); the wait is never shorter.
 */
record InDoubtPolicy(Duration evidenceWait, Set<MessageKind> resendKinds, Duration answerWait) {
    static final Set<MessageKind> DEFAULT_RESEND_KINDS =
            Set.copyOf(EnumSet.of(MessageKind.CANCELLATION, MessageKind.DIVERSION, MessageKind.BOARDING_PASS));

    /** The ledger's DROPPED reason of an in-doubt id the policy gave up on (no evidence, kind not resent). */
    static final String GIVEN_UP_REASON = dev.appcare.sender.state.LedgerEntries.IN_DOUBT_NOT_RESENT;

    /** How an in-doubt id without evidence is resolved once the wait is over. */
    enum Resolution {
        /** Send it again, with a claim that supersedes the unanswered one. */
        RESEND,
        /** Drop it for good: ledger DROPPED {@link #GIVEN_UP_REASON}, status UNKNOWN with the reason. */
        GIVE_UP
    }

    InDoubtPolicy {
        resendKinds = Set.copyOf(resendKinds);
    }

    boolean resends(MessageKind kind) {
        return resendKinds.contains(kind);
    }

    Resolution afterWait(MessageKind kind) {
        return resends(kind) ? Resolution.RESEND : Resolution.GIVE_UP;
    }

    /** Until when an attempt made at {@code attemptedAt} is waited on (for an answer or evidence), any kind. */
    long waitUntil(MessageKind kind, long attemptedAt) {
        return attemptedAt + Math.max(evidenceWait.toMillis(), answerWait.toMillis());
    }

    /** {@code sender.in-doubt.resend-after} (older setting) means: every kind, after that long. */
    static InDoubtPolicy of(Duration resendAfterEveryKind, Duration evidenceWait, Set<MessageKind> resendKinds,
                            Duration answerWait) {
        if (resendAfterEveryKind != null) {
            return new InDoubtPolicy(resendAfterEveryKind, EnumSet.allOf(MessageKind.class), answerWait);
        }
        return new InDoubtPolicy(evidenceWait, resendKinds, answerWait);
    }
}
