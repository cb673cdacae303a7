package dev.appcare.notifier.rules;

/**
 * Why the notifier decided what it did, as written to {@code notify.notifier-decision.v1} (rule N11) and
 * shown by {@code appcare ops trace}. The names are part of that topic's contract: add, never rename.
 */
public enum DecisionReason {
    // ── a flight event as a whole (flight-fan-out) ──
    /** The event changed something a message can be about: fanned out to every active passenger (N1). */
    CHANGED,
    /** Older than what was applied to the flight (N3). */
    STALE,
    /** The very event already applied (same eventId, e.g. an upstream re-send or an ops replay, N4). */
    DUPLICATE,
    /** Newer, but nothing a message is about changed (a terminal or arrival estimate only). */
    NOTHING_NOTIFIABLE,

    // ── one passenger (passenger-notify, boarding-pass-notify) ──
    /** The traveller never opted in (no preference). */
    NO_PREFERENCE,
    /** The traveller opted out (N5). */
    OPTED_OUT,
    /** The preference belongs to an earlier booking under the same reference. */
    BOOKING_LIFE_OVER,
    /** Opted in, but not to this kind of message (or no template for it). */
    NO_CONSENT,
    /** This passenger already heard about this event or a later one (a re-send reaching the passenger side). */
    ALREADY_TOLD,
    /** The departure moved less than the delay threshold from what this passenger was told (N2). */
    BELOW_THRESHOLD,
    /** Nothing in the event is news for this passenger (gate, status, time as told). */
    NOTHING_NEW,
    /** Gate closed, departed or arrived: nothing a traveller can still act on. */
    TOO_LATE,
    /** The message would expire before it is made (N6). */
    BORN_EXPIRED,
    /** A boarding pass not newer than the one sent (N8). */
    STALE_BOARDING_PASS,
    /** A material change for this passenger: a request was made (boarding passes: outside the budget). */
    MATERIAL_CHANGE,

    // ── the message budget (N12) ──
    /** Urgent news: requested whatever the budget says. */
    URGENT,
    /** Within the budget: requested now. */
    WITHIN_BUDGET,
    /** Held back: the last message was sent less than the spacing ago. */
    SPACING,
    /** Held back: the day's messages are used up. */
    DAILY_LIMIT,
    /**
     * Held back with an update already waiting (held), sent as one message when due (requested), or a
     * waiting update overtaken by urgent news (suppressed).
     */
    MERGED,

    // ── the check-in reminder (N13) ──
    /** Check-in opens at this flight's scheduled departure minus the lead: the reminder waits for it (held back). */
    CHECKIN_SCHEDULED,
    /** Check-in opened: announced to the flight's passengers (flight), requested for one passenger. */
    CHECKIN_OPEN,
    /** The flight was cancelled: no reminder (a waiting one is dropped). */
    FLIGHT_CANCELLED,
    /** The passenger already has a boarding pass, i.e. checked in: no reminder. */
    CHECKED_IN
}
