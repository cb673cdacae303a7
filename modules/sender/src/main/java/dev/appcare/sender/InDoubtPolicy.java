package dev.appcare.sender;

import dev.appcare.avro.MessageKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What happens to a messageId whose call went unanswered (in doubt: WhatsApp may or may not have it).
 * First the sender waits up to {@code evidenceWait} after the call for evidence: a status webhook carries
 * the messageId in {@code biz_opaque_callback_data} and turns the ledger entry ACCEPTED. Without evidence
 * by then, kinds in {@code resendKinds} are sent again (worth the risk of a duplicate: a cancellation,
 * a diversion, a boarding pass); the others are given up and reported UNKNOWN (a duplicate delay notice
 * is worse than a missing one). A kind that is not resent is given up at once: waiting could change
 * only the status, and would hold the recipient's lane.
 *
 * <p>{@code answerWait} (the request timeout plus a margin): an attempt of another instance younger than
 * that may still be answered (a call in flight while its partition moves); any kind waits for it.
 */
record InDoubtPolicy(Duration evidenceWait, Set<MessageKind> resendKinds, Duration answerWait) {
    static final Set<MessageKind> DEFAULT_RESEND_KINDS =
            Set.copyOf(EnumSet.of(MessageKind.CANCELLATION, MessageKind.DIVERSION, MessageKind.BOARDING_PASS));

    InDoubtPolicy {
        resendKinds = Set.copyOf(resendKinds);
    }

    boolean resends(MessageKind kind) {
        return resendKinds.contains(kind);
    }

    /** Until when an attempt made at {@code attemptedAt} is waited on before the policy decides. */
    long waitUntil(MessageKind kind, long attemptedAt) {
        long wait = resends(kind) ? Math.max(evidenceWait.toMillis(), answerWait.toMillis()) : answerWait.toMillis();
        return attemptedAt + wait;
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
