package dev.appcare.chaos;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a killed sender's work waited: from the kill to the survivor's log line "Partitions assigned: [...]"
 * (it owns them), and to WhatsApp's first acceptance of a request from one of those partitions.
 */
public final class Takeover {
    private static final Pattern ASSIGNED = Pattern.compile(
            "^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*Partitions assigned: \\[([^\\]]*)\\]");

    /** An acceptance by WhatsApp of a request read from {@code partition} of the request topic. */
    public record Delivery(int partition, Instant at) {
    }

    public record Result(Instant owned, Set<Integer> partitions, Optional<Instant> firstDelivery) {
    }

    private Takeover() {
    }

    /**
     * @param killedAt     the kill
     * @param survivorLog  the survivor's log lines written after the kill (logback {@code HH:mm:ss.SSS} first)
     * @param zone         the zone the log's times are in
     * @param requestTopic the request topic's name
     * @param deliveries   WhatsApp's acceptances, with the request partition of each
     * @return empty if the survivor took over no partition
     */
    public static Optional<Result> measure(Instant killedAt, List<String> survivorLog, ZoneId zone, String requestTopic,
                                           Collection<Delivery> deliveries) {
        LocalDate day = killedAt.atZone(zone).toLocalDate();
        for (String line : survivorLog) {
            Matcher m = ASSIGNED.matcher(line);
            if (!m.find()) {
                continue;
            }
            Instant at = LocalTime.parse(m.group(1)).atDate(day).atZone(zone).toInstant();
            if (at.isBefore(killedAt)) {
                at = at.plusSeconds(86_400); // the log passed midnight after the kill
            }
            Set<Integer> partitions = new HashSet<>();
            for (String p : m.group(2).split(",\\s*")) {
                if (p.startsWith(requestTopic + "-")) {
                    partitions.add(Integer.parseInt(p.substring(requestTopic.length() + 1)));
                }
            }
            if (partitions.isEmpty()) {
                continue;
            }
            Optional<Instant> first = deliveries.stream()
                    .filter(d -> partitions.contains(d.partition()) && !d.at().isBefore(killedAt))
                    .map(Delivery::at).min(Instant::compareTo);
            return Optional.of(new Result(at, Set.copyOf(partitions), first));
        }
        return Optional.empty();
    }
}
