package dev.appcare.notifier.rules;

import dev.appcare.avro.MessageKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Rule N12, the message budget: per traveller and flight, at most {@code maxPerDay} flight messages in any
 * 24 hours and at most one per {@code spacing}. Urgent news always goes through: a cancellation, boarding,
 * a diversion, and a gate change within {@code urgentGateWindow} of departure. An update the budget holds
 * back is merged with the ones after it and sent as one message when the budget allows it again
 * ({@link #dueAt}); the merged message is a gate change (gate and departure time) when any of the merged
 * updates was one, else the latest timing message. Boarding passes are documents, not flight updates, and
 * are outside the budget. Times are event times: the same events always get the same verdicts (N4).
 *
 * <pre>
 *   kind urgent?                                  -> SEND (URGENT), counts towards the budget
 *   an update already held back                   -> HOLD (MERGED) with it, due when the budget allows
 *   maxPerDay sent in the 24 h before now         -> HOLD (DAILY_LIMIT) until the oldest of them is 24 h old
 *   one sent less than spacing before now         -> HOLD (SPACING) until spacing after it
 *   otherwise                                     -> SEND (WITHIN_BUDGET)
 * </pre>
 */
public record MessageBudget(int maxPerDay, Duration spacing, Duration urgentGateWindow, Duration checkInterval) {
    public static final Duration DAY = Duration.ofDays(1);
    public static final MessageBudget DEFAULT = new MessageBudget(4, Duration.ofMinutes(10), Duration.ofHours(1),
            Duration.ofSeconds(10));
    /** No budget: every update goes at once (tests of the other rules, whose days are compressed to minutes). */
    public static final MessageBudget UNLIMITED = new MessageBudget(Integer.MAX_VALUE, Duration.ZERO, Duration.ZERO,
            Duration.ofSeconds(10));

    public MessageBudget {
        if (maxPerDay < 1) {
            throw new IllegalArgumentException("the budget must allow at least one message a day, was " + maxPerDay);
        }
        if (spacing.isNegative() || urgentGateWindow.isNegative()) {
            throw new IllegalArgumentException("budget durations cannot be negative");
        }
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("the budget's check interval must be positive, was " + checkInterval);
        }
    }

    /** What the budget says about an update at {@code now}. */
    public record Verdict(boolean send, DecisionReason reason, Instant dueAt) {
        static Verdict send(DecisionReason reason) {
            return new Verdict(true, reason, null);
        }
    }

    public boolean urgent(MessageKind kind, Instant departure, Instant now) {
        return switch (kind) {
            case CANCELLATION, BOARDING, DIVERSION -> true;
            case GATE_CHANGE -> !departure.isAfter(now.plus(urgentGateWindow));
            default -> false;
        };
    }

    /**
     * @param kinds     the messages one event is worth for the passenger (decided together: one update)
     * @param departure the flight's current departure
     * @param sentAt    when messages were sent to this passenger for this flight
     * @param pendingDue when the update already held back is due, null when none is
     */
    public Verdict decide(List<MessageKind> kinds, Instant departure, Instant now, List<Instant> sentAt, Instant pendingDue) {
        Objects.requireNonNull(now);
        if (kinds.stream().anyMatch(kind -> urgent(kind, departure, now))) {
            return Verdict.send(DecisionReason.URGENT);
        }
        Instant due = dueAt(sentAt, now);
        if (pendingDue != null) {
            return new Verdict(false, DecisionReason.MERGED, due != null ? due : pendingDue);
        }
        if (due != null) {
            boolean daily = recent(sentAt, now).size() >= maxPerDay;
            return new Verdict(false, daily ? DecisionReason.DAILY_LIMIT : DecisionReason.SPACING, due);
        }
        return Verdict.send(DecisionReason.WITHIN_BUDGET);
    }

    /** When the next message may go, or null when one may go at {@code now}. */
    public Instant dueAt(List<Instant> sentAt, Instant now) {
        List<Instant> recent = recent(sentAt, now);
        Instant due = null;
        if (!recent.isEmpty()) {
            Instant spaced = recent.get(recent.size() - 1).plus(spacing);
            if (spaced.isAfter(now)) {
                due = spaced;
            }
        }
        if (recent.size() >= maxPerDay) {
            Instant freed = recent.get(recent.size() - maxPerDay).plus(DAY);
            due = due == null || freed.isAfter(due) ? freed : due;
        }
        return due;
    }

    /** The sends within the 24 h before {@code now}, oldest first: all the budget needs to remember. */
    public static List<Instant> recent(List<Instant> sentAt, Instant now) {
        List<Instant> recent = new ArrayList<>();
        for (Instant at : sentAt) {
            if (at.isAfter(now.minus(DAY))) {
                recent.add(at);
            }
        }
        recent.sort(Comparator.naturalOrder());
        return recent;
    }

    /** The kind of the merged message: a gate change carries gate and time, so it wins; else the latest. */
    public static MessageKind merged(MessageKind held, MessageKind latest) {
        return held == MessageKind.GATE_CHANGE || latest == MessageKind.GATE_CHANGE ? MessageKind.GATE_CHANGE : latest;
    }
}
