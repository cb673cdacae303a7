package dev.appcare.notifier.rules;

import dev.appcare.avro.MessageKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Rule N2: when a new departure estimate is worth a message to one passenger.
 *
 * <p>The comparison is with what <em>that passenger was last told</em>, not with the previous event: an
 * estimate that creeps 10, 20, 30 minutes in 10-minute steps is sent at 20 (moved 20 from the schedule
 * they know) and not at 30 (moved 10 from the 20 they were told). That is the hysteresis that keeps a
 * flapping estimate (10:00, 10:10, 10:00, 10:10) silent with a 15-minute threshold.
 *
 * <pre>
 *   |new - told| &lt; threshold                      -> nothing (flapping or too small)
 *   |new - scheduled| &lt; threshold (told was off)   -> BACK_ON_TIME, told := schedule
 *   new &gt; scheduled                               -> DELAY, told := new
 *   new &lt; scheduled                               -> EARLIER_DEPARTURE, told := new
 * </pre>
 * "Back on time" and "earlier than planned" are material changes like a delay: a traveller planning
 * around a delay needs to hear the flight is leaving on time after all.
 */
public final class DepartureTimeRule {
    /** The default threshold of rule N2. */
    public static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(15);

    private final Duration threshold;

    public DepartureTimeRule(Duration threshold) {
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("the delay threshold must be positive, was " + threshold);
        }
        this.threshold = threshold;
    }

    /**
     * A change worth telling: which message, the departure time it announces, and what the passenger
     * knows afterwards ({@code toldAfter}; null means "the schedule").
     */
    public record TimingChange(MessageKind kind, Instant announced, Instant toldAfter) {
    }

    /**
     * @param scheduled the scheduled departure
     * @param estimated the latest estimate, null when there is none (the schedule holds)
     * @param told      the departure time the passenger was last told, null when nothing (the schedule)
     */
    public Optional<TimingChange> decide(Instant scheduled, Instant estimated, Instant told) {
        Objects.requireNonNull(scheduled, "scheduled");
        Instant effective = estimated != null ? estimated : scheduled;
        Instant known = told != null ? told : scheduled;
        if (!material(effective, known)) {
            return Optional.empty();
        }
        if (!material(effective, scheduled)) {
            return Optional.of(new TimingChange(MessageKind.BACK_ON_TIME, scheduled, null));
        }
        MessageKind kind = effective.isAfter(scheduled) ? MessageKind.DELAY : MessageKind.EARLIER_DEPARTURE;
        return Optional.of(new TimingChange(kind, effective, effective));
    }

    /**
     * When the departure moved from what the passenger was told, but by less than the threshold: a short
     * explanation for the decision log (N11), e.g. {@code "departure 10:05Z is 5 min from the 10:00Z told,
     * threshold 15 min"}; empty when it did not move at all or the move is material.
     */
    public Optional<String> belowThreshold(Instant scheduled, Instant estimated, Instant told) {
        Objects.requireNonNull(scheduled, "scheduled");
        Instant effective = estimated != null ? estimated : scheduled;
        Instant known = told != null ? told : scheduled;
        if (effective.equals(known) || material(effective, known)) {
            return Optional.empty();
        }
        return Optional.of("departure " + effective + " is " + Duration.between(known, effective).abs().toMinutes()
                + " min from the " + known + " told, threshold " + threshold.toMinutes() + " min");
    }

    private boolean material(Instant a, Instant b) {
        return Duration.between(a, b).abs().compareTo(threshold) >= 0;
    }

    public Duration threshold() {
        return threshold;
    }
}
