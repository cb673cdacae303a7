package dev.appcare.ops.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The story of one traveller or one flight, as {@code appcare ops trace} prints it: entries read from the
 * topics, put in time order, with the events that led to no message made visible.
 *
 * <p>What the notifier decided about each event, for the flight and for each passenger (announced,
 * suppressed and why, requested, held back by the message budget), is read from its decision log (rule
 * N11) and shown as {@code decision} lines. For an event without any decision record (written before the
 * log existed, or already past the log's retention) the trace falls back to what it can derive: "no
 * message" when no request names the event as its source (the reason is then not known), "no new message"
 * when the same eventId was received before (its messageIds are the same as the first time's, N4).
 */
public final class Trace {

    /** Kinds of entry, in the order they happen for one event (the tie-break for equal times). */
    public enum Kind { EVENT, BOOKING, PREFERENCE, DECISION, REQUEST, NO_MESSAGE, STATUS, DEAD_LETTER }

    /**
     * One line of a trace.
     *
     * @param topic    where it was read ({@code null} for derived entries), with partition and offset
     * @param eventId  the source event's id (events) or the request's source event id (requests)
     * @param details  for {@code --json}; phone numbers already masked
     */
    public record Entry(Instant at, Kind kind, String topic, int partition, long offset, String messageId,
                        String eventId, String summary, Map<String, Object> details) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::at)
            .thenComparing(Entry::kind).thenComparing(e -> e.topic() == null ? "" : e.topic())
            .thenComparingInt(Entry::partition).thenComparingLong(Entry::offset);

    private Trace() {
    }

    /**
     * The entries in time order, from {@code since} (null: all), with a NO_MESSAGE entry after every flight
     * event that no request names as its source event and that no decision record explains.
     */
    public static List<Entry> assemble(List<Entry> entries, Instant since, String noMessageSubject) {
        Set<String> answered = new java.util.HashSet<>();
        Set<String> decided = new java.util.HashSet<>();
        for (Entry e : entries) {
            if (e.kind() == Kind.REQUEST && e.eventId() != null) {
                answered.add(e.eventId());
            }
            if (e.kind() == Kind.DECISION && e.eventId() != null) {
                decided.add(e.eventId());
            }
        }
        List<Entry> all = new ArrayList<>(entries);
        Set<String> seen = new java.util.HashSet<>();
        for (Entry e : entries.stream().sorted(ORDER).toList()) {
            if (e.kind() != Kind.EVENT || e.eventId() == null || decided.contains(e.eventId())) {
                continue;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("eventId", e.eventId());
            String summary;
            if (!seen.add(e.eventId())) {
                details.put("reason", "repeated");
                summary = "no new message " + noMessageSubject + ": event " + e.eventId() + " was received before (same eventId, same messageIds)";
            } else if (!answered.contains(e.eventId())) {
                details.put("reason", "not recorded");
                summary = "no message " + noMessageSubject + " for event " + e.eventId()
                        + " (suppressed by the notifier: not material, stale or not opted in; the notifier does not record which)";
            } else {
                continue;
            }
            all.add(new Entry(e.at(), Kind.NO_MESSAGE, null, e.partition(), e.offset(), null, e.eventId(), summary, details));
        }
        return all.stream().filter(e -> since == null || !e.at().isBefore(since)).sorted(ORDER).toList();
    }

    /**
     * One decision of the notifier as a line: {@code decision on event E: ANNOUNCED (CHANGED): fanned out
     * to 4 active passengers}, {@code decision for T on event E: SUPPRESSED DELAY (BELOW_THRESHOLD): ...}.
     */
    public static String decisionSummary(String outcome, String reason, String detail, String kind, String travellerKey,
                                         String flightKey, String eventId) {
        StringBuilder out = new StringBuilder("decision");
        out.append(travellerKey == null ? " on " + flightKey : " for " + travellerKey);
        if (eventId != null) {
            out.append(travellerKey == null ? " event " : " on event ").append(eventId);
        }
        out.append(": ").append(outcome);
        if (kind != null) {
            out.append(' ').append(kind);
        }
        out.append(" (").append(reason).append(')');
        if (detail != null) {
            out.append(": ").append(detail);
        }
        return out.toString();
    }

    /** One line per entry, for a person. */
    public static String render(List<Entry> entries) {
        StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            String where = e.topic() == null ? "(derived)" : e.topic() + "[" + e.partition() + "@" + e.offset() + "]";
            out.append(e.at()).append("  ").append(String.format("%-11s", e.kind().name().toLowerCase().replace('_', '-')))
                    .append(' ').append(e.summary());
            if (e.messageId() != null) {
                out.append("  messageId=").append(e.messageId());
            }
            out.append("  ").append(where).append('\n');
        }
        return out.toString();
    }
}
