package dev.appcare.notifier.rules;

import dev.appcare.notifier.avro.FlightView;
import java.util.Objects;

/**
 * Decides, per flight, whether an event is new (rule N3) and whether it changes anything a message can
 * be about; only then is it fanned out to the passengers.
 *
 * <p>An event is <em>stale</em> when its sequence is not above the last applied one, or when it was
 * observed before the last applied one (eventTime): a "boarding" that arrives after "departed" is
 * history, and a republished event (same sequence) is a duplicate. Stale events change nothing, not
 * even the stored state.
 *
 * <p>An event is <em>unchanged</em> when status, departure times, gate and diversion airport are as
 * before (a new terminal or arrival estimate alone sends nothing). Whether a change is <em>material
 * for a passenger</em> is decided later, per passenger ({@link NotificationPlanner}).
 */
public final class FlightChangeDetector {

    public enum Verdict {
        /** First event of the flight, or something notifiable changed: fan it out. */
        CHANGED,
        /** Newer, but nothing a message is about changed: remember it, send nothing. */
        UNCHANGED,
        /** Older than (or the same as) what was applied: ignore it entirely. */
        STALE
    }

    private FlightChangeDetector() {
    }

    public static Verdict compare(FlightView applied, FlightView incoming) {
        if (applied == null) {
            return Verdict.CHANGED;
        }
        if (incoming.getSequence() <= applied.getSequence()
                || incoming.getEventTime().isBefore(applied.getEventTime())) {
            return Verdict.STALE;
        }
        boolean same = Objects.equals(applied.getStatus(), incoming.getStatus())
                && Objects.equals(applied.getScheduledDeparture(), incoming.getScheduledDeparture())
                && Objects.equals(applied.getEstimatedDeparture(), incoming.getEstimatedDeparture())
                && Objects.equals(applied.getActualDeparture(), incoming.getActualDeparture())
                && Objects.equals(applied.getGate(), incoming.getGate())
                && Objects.equals(applied.getDiversionAirport(), incoming.getDiversionAirport());
        return same ? Verdict.UNCHANGED : Verdict.CHANGED;
    }
}
