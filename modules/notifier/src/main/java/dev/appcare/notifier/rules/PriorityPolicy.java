package dev.appcare.notifier.rules;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import java.time.Duration;
import java.time.Instant;

/**
 * Rule N9: which requests overtake others in the sender.
 *
 * <pre>
 *   BOARDING, DIVERSION                          URGENT always (happening now)
 *   CANCELLATION, GATE_CHANGE, EARLIER_DEPARTURE URGENT when departure is within the urgent window
 *                                                (default 3 h) of the request, else NORMAL
 *   BOARDING_PASS                                BULK when departure is more than 24 h away, else NORMAL
 *   DELAY, BACK_ON_TIME                          NORMAL (a traveller who is late learns nothing urgent)
 * </pre>
 */
public final class PriorityPolicy {
    public static final Duration DEFAULT_URGENT_WINDOW = Duration.ofHours(3);
    static final Duration BULK_BOARDING_PASS_AFTER = Duration.ofHours(24);

    private final Duration urgentWindow;

    public PriorityPolicy(Duration urgentWindow) {
        if (urgentWindow.isNegative()) {
            throw new IllegalArgumentException("the urgent window must not be negative, was " + urgentWindow);
        }
        this.urgentWindow = urgentWindow;
    }

    /**
     * @param departure when the flight leaves, as currently known
     * @param createdAt when the request is made
     */
    public Priority priority(MessageKind kind, Instant departure, Instant createdAt) {
        Duration untilDeparture = Duration.between(createdAt, departure);
        return switch (kind) {
            case BOARDING, DIVERSION -> Priority.URGENT;
            case CANCELLATION, GATE_CHANGE, EARLIER_DEPARTURE ->
                    untilDeparture.compareTo(urgentWindow) <= 0 ? Priority.URGENT : Priority.NORMAL;
            case BOARDING_PASS -> untilDeparture.compareTo(BULK_BOARDING_PASS_AFTER) > 0 ? Priority.BULK : Priority.NORMAL;
            default -> Priority.NORMAL;
        };
    }
}
