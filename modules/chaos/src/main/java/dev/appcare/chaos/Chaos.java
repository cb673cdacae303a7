package dev.appcare.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.model.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Java half of {@code scripts/chaos}: {@code load} makes one round's traffic, {@code check} waits until
 * every request of the round has an outcome (or the deadline) and prints the round's row. Settings come from
 * {@code -Dchaos.*} system properties (the script sets them). Everything it counts is {@link RoundCount}'s.
 */
public final class Chaos {
    record Settings(String bootstrap, String registryUrl, String optinUrl, String optinKey, String simUrl,
                    String notifierGroup, long seed, int flights, int passengersPerFlight, int stormPassengers,
                    int loadSeconds) {
        static Settings fromSystemProperties() {
            return new Settings(p("bootstrap"), p("registry"), p("optin.url"), p("optin.key"), p("sim.url"),
                    p("notifier.group"), Long.parseLong(p("seed")), Integer.parseInt(p("flights")),
                    Integer.parseInt(p("passengers")), Integer.parseInt(p("storm")), Integer.parseInt(p("load.seconds")));
        }

        private static String p(String name) {
            String value = System.getProperty("chaos." + name);
            if (value == null) {
                throw new IllegalArgumentException("missing -Dchaos." + name);
            }
            return value;
        }
    }

    private Chaos() {
    }

    static void log(String format, Object... args) {
        System.err.printf("%s chaos: %s%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS), String.format(format, args));
    }

    /**
     * {@code load ROUND EXPECTED_FILE} or
     * {@code check ROUND EXPECTED_FILE DEADLINE_SECONDS [KILLED_AT_MS SURVIVOR_LOG LOG_OFFSET IN_FLIGHT]}.
     */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        int round = Integer.parseInt(args[1]);
        Path expectedFile = Path.of(args[2]);
        switch (args[0]) {
            case "load" -> new ChaosLoad(settings, round).run(expectedFile);
            case "check" -> check(settings, round, expectedFile, Integer.parseInt(args[3]),
                    args.length > 7 ? new Kill(Instant.ofEpochMilli(Long.parseLong(args[4])), Path.of(args[5]),
                            Long.parseLong(args[6]), Integer.parseInt(args[7])) : null);
            default -> throw new IllegalArgumentException("load or check, not " + args[0]);
        }
    }

    record Kill(Instant at, Path survivorLog, long logOffset, int inFlight) {
    }

    private static void check(Settings s, int round, Path expectedFile, int deadlineSeconds, Kill kill) throws Exception {
        List<RoundCount.Expected> expected = Files.readAllLines(expectedFile).stream().map(l -> l.split("\t", -1))
                .map(f -> new RoundCount.Expected(f[0], f[1], f[2])).toList();
        Set<String> travellers = expected.stream().map(RoundCount.Expected::travellerKey).collect(Collectors.toSet());
        KafkaReads reads = new KafkaReads(s);
        long deadline = System.currentTimeMillis() + deadlineSeconds * 1000L;
        while (true) {
            List<RoundCount.Request> requests = reads.requests().stream()
                    .filter(r -> r.travellerKey() != null && travellers.contains(r.travellerKey())).toList();
            List<Accepted> accepted = accepted(s);
            RoundCount.Counts counts = RoundCount.count(expected, requests, reads.statuses(), reads.ledger(),
                    accepted.stream().map(Accepted::messageId).toList());
            if (counts.lost() == 0 || System.currentTimeMillis() > deadline) {
                print(round, counts, takeover(kill, requests, accepted), kill);
                return;
            }
            Thread.sleep(3000); // the round is still being delivered; counting again
        }
    }

    record Accepted(String messageId, Instant at) {
    }

    private static List<Accepted> accepted(Settings s) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(s.simUrl() + "/_sim/messages?limit=1000000")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode root = new ObjectMapper().readTree(answer.body());
        List<Accepted> out = new ArrayList<>();
        for (JsonNode m : root.path("messages")) {
            if (!m.path("bizOpaqueCallbackData").isNull() && !m.path("bizOpaqueCallbackData").isMissingNode()) {
                out.add(new Accepted(m.path("bizOpaqueCallbackData").asText(), Instant.parse(m.path("acceptedAt").asText())));
            }
        }
        return out;
    }

    private static Optional<Takeover.Result> takeover(Kill kill, List<RoundCount.Request> requests, List<Accepted> accepted)
            throws Exception {
        if (kill == null) {
            return Optional.empty();
        }
        byte[] log = Files.readAllBytes(kill.survivorLog());
        int from = (int) Math.min(kill.logOffset(), log.length);
        List<String> lines = new String(log, from, log.length - from, StandardCharsets.UTF_8).lines().toList();
        Map<String, Integer> partitionOf = new HashMap<>();
        requests.forEach(r -> partitionOf.put(r.messageId(), r.partition()));
        List<Takeover.Delivery> deliveries = accepted.stream().filter(a -> partitionOf.containsKey(a.messageId()))
                .map(a -> new Takeover.Delivery(partitionOf.get(a.messageId()), a.at())).toList();
        return Takeover.measure(kill.at(), lines, ZoneId.systemDefault(), Topics.WHATSAPP_REQUEST.name(), deliveries);
    }

    /** One markdown table row fragment (the script adds round and fault), then the totals it sums, then details. */
    private static void print(int round, RoundCount.Counts c, Optional<Takeover.Result> takeover, Kill kill) {
        String doubt = c.resolutions().entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase()
                .replace('_', ' ')).collect(Collectors.joining(", "));
        String window = kill == null ? "" : (c.inDoubt() <= kill.inFlight() ? " ≤ " : " > ") + kill.inFlight() + " in flight";
        String take = kill == null ? "–" : takeover.map(t -> String.format("%.1f s / %s",
                seconds(kill.at(), t.owned()), t.firstDelivery().map(d -> String.format("%.1f s", seconds(kill.at(), d)))
                        .orElse("nothing to deliver"))).orElse("no partition moved");
        System.out.printf("ROW\t%d | %d | %d | %d (%d outside doubt) | %d | %d%s%s | %d | %s%n",
                c.expected(), c.onTopic(), c.accepted(), c.acceptedTwice(), c.acceptedTwiceOutsideDoubt(), c.dropped(),
                c.inDoubt(), window, doubt.isEmpty() ? "" : ": " + doubt, c.lost(), take);
        System.out.printf("SUM\t%d\t%d\t%d\t%d\t%d\t%d%n", c.expected(), c.accepted(), c.lost(), c.acceptedTwiceOutsideDoubt(),
                c.inDoubt(), c.unresolved());
        c.lostIds().stream().limit(10).forEach(id -> System.out.println("LOST\t" + round + "\t" + id));
        c.twiceOutsideIds().stream().limit(10).forEach(id -> System.out.println("TWICE\t" + round + "\t" + id));
    }

    private static double seconds(Instant from, Instant to) {
        return (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
    }
}
