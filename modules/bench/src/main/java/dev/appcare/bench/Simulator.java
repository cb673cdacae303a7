package dev.appcare.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The WhatsApp simulator's admin API (docs/whatsapp-sim.md), seen from the driver's JVM. */
final class Simulator {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    Simulator(String base) {
        this.base = base;
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
        }
        return json.readTree(response.body());
    }

    long accepted() throws Exception {
        return get("/_sim/stats").path("accepted").asLong();
    }

    long rejected(int code) throws Exception {
        return get("/_sim/stats").path("rejectionsByCode").path(Integer.toString(code)).asLong(0);
    }

    /** No acceptance for this long, after the first: the rest are calls in doubt, which the sender does not resend. */
    private static final Duration STALLED = Duration.ofSeconds(30);

    /**
     * Waits (polling) until the simulator accepted {@code count} messages; false at the deadline, or when no
     * message was accepted for 30 s after the first (an overloaded machine leaves calls unanswered; the sender
     * counts them in doubt after its request timeout and does not resend them, so waiting longer adds nothing).
     */
    boolean awaitAccepted(long count, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        long last = 0;
        long lastChange = System.nanoTime();
        for (long now = accepted(); now < count; now = accepted()) {
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
            if (System.nanoTime() > end || (now > 0 && System.nanoTime() - lastChange > STALLED.toNanos())) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(200); // a polling interval
        }
        return true;
    }

    record Accepted(String phoneNumberId, String to, Instant at) {
    }

    /** Each accepted message's business number, recipient and acceptance time, oldest first. */
    List<Accepted> acceptedMessages(int limit) throws Exception {
        List<Accepted> accepted = new ArrayList<>();
        for (JsonNode message : get("/_sim/messages?limit=" + limit).path("messages")) {
            accepted.add(new Accepted(message.path("phoneNumberId").asText(), message.path("to").asText(),
                    Instant.parse(message.path("acceptedAt").asText())));
        }
        accepted.sort(java.util.Comparator.comparing(Accepted::at));
        return accepted;
    }

    /** When each accepted message was accepted, oldest first. */
    List<Instant> acceptedAt(int limit) throws Exception {
        List<Instant> times = new ArrayList<>();
        for (JsonNode message : get("/_sim/messages?limit=" + limit).path("messages")) {
            times.add(Instant.parse(message.path("acceptedAt").asText()));
        }
        times.sort(null);
        return times;
    }
}
