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
 * <p>What the notifier decided not to send (a flap below the threshold, a stale event, no opt-in for that
 * kind) it does not record anywhere; the trace shows such an event as "no message" because no request
 * names it as its source, and says that the reason is not recorded. An event received a second time
 * (same eventId) is shown as "no new message": its messageIds are the same as the first time's (N4).
 */
public final class Trace {

    /** Kinds of entry, in the order they happen for one event (the tie-break for equal times). */
    public enum Kind { EVENT, BOOKING, PREFERENCE, REQUEST, NO_MESSAGE, STATUS, DEAD_LETTER }

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
     * event that no request names as its source event.
     */
    public static List<Entry> assemble(List<Entry> entries, Instant since, String noMessageSubject) {
        Set<String> answered = new java.util.HashSet<>();
        for (Entry e : entries) {
            if (e.kind() == Kind.REQUEST && e.eventId() != null) {
                answered.add(e.eventId());
            }
        }
        List<Entry> all = new ArrayList<>(entries);
        Set<String> seen = new java.util.HashSet<>();
        for (Entry e : entries.stream().sorted(ORDER).toList()) {
            if (e.kind() != Kind.EVENT || e.eventId() == null) {
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
