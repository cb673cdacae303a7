package dev.appcare.model.rules;

import static dev.appcare.model.DeadLetterType.IMPLAUSIBLE_TIME;
import static dev.appcare.model.DeadLetterType.REQUEST_TOO_LARGE;

import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.DeadLetterType;
import java.time.Duration;
import java.util.Optional;

/**
 * What no request may hold, checked when it arrives, before anything is queued or called (rule N10 for the
 * sender): a request past these limits is dead-lettered once with the reason and never sent, and the rest
 * flows on. The Cloud API would refuse the sizes anyway (error 100 or 131009) after a call that costs a slot
 * of the number's throughput; absurd times would keep a request, and its ledger entry, for centuries.
 *
 * <ul>
 *   <li>a template body parameter: at most {@value #MAX_PARAMETER_CHARS} characters — a template's body text
 *       is limited to 1,024 characters, so no body parameter can be longer;</li>
 *   <li>a free-form text body: at most {@value #MAX_TEXT_CHARS} characters (the Cloud API's limit for a
 *       text message);</li>
 *   <li>{@code expiresAt} at most {@link #MAX_LIFETIME} after now and {@code createdAt} at most
 *       {@link #MAX_CLOCK_SKEW} after now (a year 9999 is a bug or a broken clock, not a message).</li>
 * </ul>
 */
public final class RequestLimits {
    public static final int MAX_PARAMETER_CHARS = 1024;
    public static final int MAX_TEXT_CHARS = 4096;
    public static final Duration MAX_LIFETIME = Duration.ofDays(30);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

    private RequestLimits() {
    }

    /**
     * Why {@code request} must not be sent ({@link DeadLetterType#REQUEST_TOO_LARGE} past a size,
     * {@link DeadLetterType#IMPLAUSIBLE_TIME} for an absurd time), or empty when it is within the limits.
     */
    public static Optional<Rejection> refusal(WhatsAppRequest request, long nowMillis) {
        for (int i = 0; i < request.getParameters().size(); i++) {
            TemplateParameter parameter = request.getParameters().get(i);
            int length = parameter.getValue().length();
            if (length > MAX_PARAMETER_CHARS) {
                return Optional.of(new Rejection(REQUEST_TOO_LARGE, "template parameter " + (i + 1) + " has " + length
                        + " characters; at most " + MAX_PARAMETER_CHARS));
            }
        }
        if (request.getText() != null && request.getText().length() > MAX_TEXT_CHARS) {
            return Optional.of(new Rejection(REQUEST_TOO_LARGE, "text body has " + request.getText().length()
                    + " characters; at most " + MAX_TEXT_CHARS));
        }
        if (request.getExpiresAt().toEpochMilli() > nowMillis + MAX_LIFETIME.toMillis()) {
            return Optional.of(new Rejection(IMPLAUSIBLE_TIME, "expiresAt " + request.getExpiresAt()
                    + " is more than " + MAX_LIFETIME.toDays() + " days ahead"));
        }
        if (request.getCreatedAt().toEpochMilli() > nowMillis + MAX_CLOCK_SKEW.toMillis()) {
            return Optional.of(new Rejection(IMPLAUSIBLE_TIME, "createdAt " + request.getCreatedAt()
                    + " is in the future"));
        }
        return Optional.empty();
    }
}
