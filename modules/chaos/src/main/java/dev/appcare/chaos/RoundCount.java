package dev.appcare.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one chaos round did, counted from what is on the topics and what WhatsApp (the simulator) recorded;
 * pure, so the numbers in docs/reliability.md come from code with table tests ({@code RoundCountTest}).
 *
 * <p>Definitions (the guarantee of docs/sender.md, S4):
 * <ul>
 *   <li><b>on the topic</b>: an expected message has a committed request (same kind, traveller, flight);
 *   <li><b>accepted</b>: WhatsApp recorded the messageId (the request's {@code biz_opaque_callback_data});
 *       <b>accepted twice</b>: recorded two or more times;
 *   <li><b>in doubt</b>: a status UNKNOWN, or a ledger claim that supersedes an earlier claim (a resend of a
 *       call whose answer was lost). Resolved as: resent (accepted once or twice), late evidence (a webhook
 *       turned it ACCEPTED after the UNKNOWN), or <b>unresolved</b>, split by whether WhatsApp had it;
 *   <li><b>dropped</b>: a status that ends it with a reason (DEAD_LETTERED, EXPIRED, SUPERSEDED, OPTED_OUT,
 *       DUPLICATE) and no acceptance;
 *   <li><b>lost</b>: expected and not on the topic, or on it and neither accepted, dropped nor reported in
 *       doubt. An id still without any outcome when the count is taken is lost too (the caller waits first).
 * </ul>
 */
public final class RoundCount {
    /** A message the load's rules call for; {@code flightKey} is empty for an opt-in confirmation. */
    public record Expected(String kind, String travellerKey, String flightKey) {
    }

    public record Request(String messageId, String kind, String travellerKey, String flightKey, int partition) {
        Expected about() {
            return new Expected(kind, travellerKey, flightKey == null ? "" : flightKey);
        }
    }

    public record Status(String messageId, String state) {
    }

    public record LedgerEntry(String messageId, String state, String claim, String supersedesClaim) {
    }

    static final Set<String> DROPS = Set.of("DEAD_LETTERED", "EXPIRED", "SUPERSEDED", "OPTED_OUT", "DUPLICATE");

    /** How an in-doubt id ended. */
    public enum Resolution { RESENT_ONCE, RESENT_TWICE, LATE_EVIDENCE, UNRESOLVED_WHATSAPP_HAD_IT, UNRESOLVED_NOT_DELIVERED }

    public record Counts(int expected, int onTopic, int extraRequests, int accepted, int acceptedTwice,
                         int acceptedTwiceOutsideDoubt, int dropped, int inDoubt, Map<Resolution, Integer> resolutions,
                         int lost, List<String> lostIds, List<String> twiceOutsideIds) {
        public int unresolved() {
            return resolutions.getOrDefault(Resolution.UNRESOLVED_WHATSAPP_HAD_IT, 0)
                    + resolutions.getOrDefault(Resolution.UNRESOLVED_NOT_DELIVERED, 0);
        }
    }

    private RoundCount() {
    }

    /**
     * @param expected  what the load called for
     * @param requests  committed requests of the round (others are ignored)
     * @param statuses  every status record read
     * @param ledger    every ledger record read, in log order
     * @param acceptedIds the messageId of every message WhatsApp recorded, once per acceptance
     */
    public static Counts count(Collection<Expected> expected, Collection<Request> requests, Collection<Status> statuses,
                               Collection<LedgerEntry> ledger, Collection<String> acceptedIds) {
        Map<Expected, List<String>> idsFor = new HashMap<>();
        for (Request r : requests) {
            List<String> ids = idsFor.computeIfAbsent(r.about(), k -> new ArrayList<>());
            if (!ids.contains(r.messageId())) {
                ids.add(r.messageId());
            }
        }
        Map<String, Integer> acceptances = new HashMap<>();
        acceptedIds.forEach(id -> acceptances.merge(id, 1, Integer::sum));
        Map<String, List<String>> states = new HashMap<>();
        statuses.forEach(s -> states.computeIfAbsent(s.messageId(), k -> new ArrayList<>()).add(s.state()));
        Set<String> resent = new java.util.HashSet<>();
        ledger.forEach(e -> {
            if ("ATTEMPTING".equals(e.state()) && e.supersedesClaim() != null && !e.supersedesClaim().startsWith("DROPPED@")) {
                resent.add(e.messageId());
            }
        });

        int onTopic = 0, extra = 0, accepted = 0, twice = 0, dropped = 0, inDoubt = 0;
        Map<Resolution, Integer> resolutions = new TreeMap<>();
        List<String> lost = new ArrayList<>();
        List<String> twiceOutside = new ArrayList<>();
        for (Expected e : expected) {
            List<String> ids = idsFor.getOrDefault(e, List.of());
            if (ids.isEmpty()) {
                lost.add("not on the topic: " + e);
                continue;
            }
            onTopic++;
            extra += ids.size() - 1;
            for (String id : ids) {
                int times = acceptances.getOrDefault(id, 0);
                List<String> seen = states.getOrDefault(id, List.of());
                boolean unknown = seen.contains("UNKNOWN");
                boolean doubt = unknown || resent.contains(id);
                if (doubt) {
                    inDoubt++;
                    resolutions.merge(resolution(resent.contains(id), seen, times), 1, Integer::sum);
                }
                if (times > 0) {
                    accepted++;
                }
                if (times > 1) {
                    twice++;
                    if (!doubt) {
                        twiceOutside.add(id);
                    }
                }
                if (times == 0 && !doubt) {
                    if (seen.stream().anyMatch(DROPS::contains)) {
                        dropped++;
                    } else {
                        lost.add("no outcome: " + id);
                    }
                }
            }
        }
        return new Counts(expected.size(), onTopic, extra, accepted, twice, twiceOutside.size(), dropped, inDoubt,
                resolutions, lost.size(), List.copyOf(lost), List.copyOf(twiceOutside));
    }

    static Resolution resolution(boolean resent, List<String> states, int acceptances) {
        if (resent) {
            return acceptances > 1 ? Resolution.RESENT_TWICE : Resolution.RESENT_ONCE;
        }
        int unknownAt = states.indexOf("UNKNOWN");
        if (unknownAt >= 0 && states.subList(unknownAt + 1, states.size()).contains("ACCEPTED")) {
            return Resolution.LATE_EVIDENCE;
        }
        return acceptances > 0 ? Resolution.UNRESOLVED_WHATSAPP_HAD_IT : Resolution.UNRESOLVED_NOT_DELIVERED;
    }
}
