package dev.appcare.care.rules;

import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.DeadLetterType;
import dev.appcare.model.rules.InputRules;
import dev.appcare.model.rules.Rejection;
import dev.appcare.model.rules.RequestLimits;
import java.time.Instant;
import java.util.Optional;

/**
 * Rule N10 for care's own inputs, the sanity half: a record that decodes but that care could not act on
 * without writing something too large or absurd. Each check returns the {@link Rejection} that sends the
 * record to {@code care.dlq.v1}, or empty. The limits are the ones the other roles apply, not care's own:
 *
 * <ul>
 *   <li>a traveller's or an agent's text: at most {@link RequestLimits#MAX_TEXT_CHARS} characters, the
 *       Cloud API's limit for a text message (an agent's longer answer could never be sent; a traveller's
 *       longer one is not a WhatsApp message, and care would copy it into its conversation store, the
 *       hand-off record and its changelog, past the producer's 1 MB limit);</li>
 *   <li>every other string: at most {@link InputRules#MAX_STRING} characters;</li>
 *   <li>{@code receivedAt} and {@code writtenAt} at most {@link RequestLimits#MAX_CLOCK_SKEW} after now
 *       (a message from the year 9999 would keep the 24-hour window open, and the conversation, for ever);</li>
 *   <li>a request AppCare sent (what care remembers per number): {@link RequestLimits} as the sender applies
 *       them, so care remembers nothing the sender refuses, and every other string sane.</li>
 * </ul>
 * Messages older than the window are not refused: a replay is normal and care answers it without text.
 */
public final class CareInputLimits {
    private CareInputLimits() {
    }

    public static Optional<Rejection> inbound(CareInboundMessage message, Instant now) {
        return InputRules.firstOf(text("text", message.getText()),
                InputRules.saneStrings("", CareInboundMessage.newBuilder(message).setText(null).build()),
                notAhead("receivedAt", message.getReceivedAt(), now));
    }

    public static Optional<Rejection> agentReply(CareAgentReply reply, Instant now) {
        return InputRules.firstOf(text("text", reply.getText()),
                InputRules.saneStrings("", CareAgentReply.newBuilder(reply).setText("").build()),
                notAhead("writtenAt", reply.getWrittenAt(), now));
    }

    public static Optional<Rejection> sentRequest(WhatsAppRequest request, Instant now) {
        Optional<Rejection> refusal = RequestLimits.refusal(request, now.toEpochMilli());
        if (refusal.isPresent()) {
            return refusal;
        }
        return InputRules.saneStrings("", WhatsAppRequest.newBuilder(request).setText(null).build());
    }

    private static Optional<Rejection> text(String field, String text) {
        if (text != null && text.length() > RequestLimits.MAX_TEXT_CHARS) {
            return Optional.of(new Rejection(DeadLetterType.FIELD_TOO_LONG, field + " is " + text.length()
                    + " characters long (at most " + RequestLimits.MAX_TEXT_CHARS + ")"));
        }
        return Optional.empty();
    }

    private static Optional<Rejection> notAhead(String field, Instant time, Instant now) {
        if (time.isAfter(now.plus(RequestLimits.MAX_CLOCK_SKEW))) {
            return Optional.of(new Rejection(DeadLetterType.IMPLAUSIBLE_TIME, field + " " + time + " is more than "
                    + RequestLimits.MAX_CLOCK_SKEW.toMinutes() + " minutes ahead of now"));
        }
        return Optional.empty();
    }
}
