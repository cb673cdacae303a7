package dev.appcare.sender.state;

import dev.appcare.avro.WebhookEventClaim;
import dev.appcare.avro.WebhookEventStep;
import java.time.Duration;

/**
 * The dedup rule of {@code sender.webhook-event.v1}, as plain functions (table-tested in
 * {@code WebhookEventRuleTest}): how the log's records make up an event's state ({@link #apply}, the same
 * on every instance because it reads only the records, in log order), and what a webhook delivery does
 * given that state ({@link #decide}).
 *
 * <ul>
 *   <li>the first CLAIMED in the log wins; a later claim counts only if the one recorded is still not DONE
 *       {@code takeover} after it was written (its claimer died between claim and acknowledgement: Meta's
 *       retry must still be applied, so the event is not lost);</li>
 *   <li>DONE and RELEASED count only for the claim recorded (a superseded claimer's late DONE changes
 *       nothing); RELEASED forgets a claimed event (its writes failed; Meta's retry applies it); DONE is final.</li>
 * </ul>
 */
public final class WebhookEventRule {

    /** What a delivery of an event does. */
    public enum Verdict { CLAIM, DUPLICATE, IN_PROGRESS }

    private WebhookEventRule() {
    }

    /** The event's state after {@code record} (log order); {@code recorded} is null for an unknown event. */
    public static WebhookEventClaim apply(WebhookEventClaim recorded, WebhookEventClaim record, Duration takeover) {
        if (record == null) {
            return recorded;
        }
        return switch (record.getStep()) {
            case CLAIMED -> recorded == null || stale(recorded, record.getAt().toEpochMilli(), takeover) ? record : recorded;
            case DONE -> recorded != null && recorded.getClaim().equals(record.getClaim()) ? record : recorded;
            case RELEASED -> recorded != null && recorded.getStep() == WebhookEventStep.CLAIMED
                    && recorded.getClaim().equals(record.getClaim()) ? null : recorded;
        };
    }

    /** What a delivery seen at {@code now} does with the event's {@code recorded} state. */
    public static Verdict decide(WebhookEventClaim recorded, long now, Duration takeover) {
        if (recorded == null || stale(recorded, now, takeover)) {
            return Verdict.CLAIM;
        }
        return recorded.getStep() == WebhookEventStep.DONE ? Verdict.DUPLICATE : Verdict.IN_PROGRESS;
    }

    /** Whether {@code claim} is the one recorded: the claimer may apply the event. */
    public static boolean won(WebhookEventClaim recorded, String claim) {
        return recorded != null && recorded.getStep() == WebhookEventStep.CLAIMED && recorded.getClaim().equals(claim);
    }

    private static boolean stale(WebhookEventClaim recorded, long now, Duration takeover) {
        return recorded.getStep() == WebhookEventStep.CLAIMED && now - recorded.getAt().toEpochMilli() >= takeover.toMillis();
    }
}
