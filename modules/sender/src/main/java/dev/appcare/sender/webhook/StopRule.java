package dev.appcare.sender.webhook;

import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Whether an inbound STOP opts a traveller out. Meta retries a webhook for up to 7 days and delivers it at
 * least once, so a STOP can arrive late, twice, at two sender instances, or after a restart. The decision
 * needs no memory of webhooks seen: it compares the STOP's own time (WhatsApp's {@code timestamp}) with
 * the clock and with the traveller's preference, which every instance reads from the same compacted topic.
 * <ul>
 *   <li>{@link Decision#STALE}: sent longer ago than the window ({@code sender.webhook.stop.max-age},
 *       default 24 h): counted and ignored; a traveller who still wants out replies again or uses the site;</li>
 *   <li>{@link Decision#ALREADY_OPTED_OUT}: nothing to do (the repeat of a STOP already applied);</li>
 *   <li>{@link Decision#CONSENT_IS_NEWER}: consent was given after the STOP was sent, so the traveller
 *       opted in again since (the opt-in API only accepts consent given after an opt-out): a replayed
 *       STOP must not undo that;</li>
 *   <li>{@link Decision#OPT_OUT}: otherwise.</li>
 * </ul>
 */
final class StopRule {
    static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);

    enum Decision { OPT_OUT, STALE, ALREADY_OPTED_OUT, CONSENT_IS_NEWER }

    private final Duration maxAge;

    StopRule(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("the STOP window must be positive, got " + maxAge);
        }
        this.maxAge = maxAge;
    }

    /** Whether the STOP sent at {@code stopAt} is fresh at {@code now}, for any traveller. */
    boolean isFresh(Instant stopAt, Instant now) {
        return !stopAt.isBefore(now.minus(maxAge));
    }

    Decision decide(Instant stopAt, Instant now, TravellerPreference preference) {
        if (!isFresh(stopAt, now)) {
            return Decision.STALE;
        }
        if (preference.getStatus() == OptInStatus.OPTED_OUT) {
            return Decision.ALREADY_OPTED_OUT;
        }
        // WhatsApp's timestamps are whole seconds: consent in the STOP's own second counts as older (opt out).
        if (preference.getConsent() != null && preference.getConsent().getGivenAt().truncatedTo(ChronoUnit.SECONDS).isAfter(stopAt)) {
            return Decision.CONSENT_IS_NEWER;
        }
        return Decision.OPT_OUT;
    }
}
