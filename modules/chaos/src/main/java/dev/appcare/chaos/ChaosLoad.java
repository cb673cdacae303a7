package dev.appcare.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.model.Keys;
import dev.appcare.model.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One round's load, as the airline's systems and the booking site would make it: bookings on
 * booking.passenger-segment.v1, opt-ins through the opt-in API (retried while it is down: a booking site
 * would), each flight published, then cancelled — the small flights one by one (steady), the big one at a
 * seeded moment (a storm of one message per opted-in passenger at once). Writes what the rules call for:
 * one confirmation per opted-in traveller and one cancellation per opted-in passenger (N1, N5).
 */
final class ChaosLoad {
    static final ZoneId AMS = ZoneId.of("Europe/Amsterdam");
    private final Chaos.Settings s;
    private final int round;
    private final Random random;

    ChaosLoad(Chaos.Settings settings, int round) {
        this.s = settings;
        this.round = round;
        this.random = new Random(settings.seed() * 1_000 + round);
    }

    static String pnr(int round, int index) {
        return String.format("C%02d%04d", round, index);
    }

    static String phone(int round, int index) {
        return String.format("+3161%02d%05d", round, index);
    }

    /** Passenger {@code index} opts in unless it is every fifth: someone who did not must get nothing. */
    static boolean optsIn(int index) {
        return index % 5 != 0;
    }

    void run(Path expectedFile) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant departure = now.plus(Duration.ofMinutes(100));
        LocalDate day = departure.atZone(AMS).toLocalDate();
        int flights = s.flights() + 1; // the last one is the storm
        List<String> flightKeys = new ArrayList<>();
        List<List<Integer>> passengers = new ArrayList<>();
        int next = 0;
        for (int f = 0; f < flights; f++) {
            flightKeys.add(String.format("CH%02d%02d/%s/AMS", round, f, day));
            int size = f == flights - 1 ? s.stormPassengers() : s.passengersPerFlight();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ids.add(next++);
            }
            passengers.add(ids);
        }
        List<RoundCount.Expected> expected = new ArrayList<>();
        Map<String, Object> serde = Map.of("schema.registry.url", s.registryUrl());
        try (KafkaProducer<String, Object> producer = producer(serde)) {
            for (int f = 0; f < flights; f++) {
                for (int i : passengers.get(f)) {
                    String traveller = pnr(round, i) + "/1";
                    producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), null, now.toEpochMilli(),
                            Keys.segmentKey(traveller, flightKeys.get(f)), PassengerSegment.newBuilder()
                                    .setTravellerKey(traveller).setFlightKey(flightKeys.get(f)).setStatus(SegmentStatus.ACTIVE)
                                    .setUpdatedAt(now).build()));
                    if (optsIn(i)) {
                        expected.add(new RoundCount.Expected("OPTIN_CONFIRMATION", traveller, ""));
                        expected.add(new RoundCount.Expected("CANCELLATION", traveller, flightKeys.get(f)));
                    }
                }
                producer.send(event(flightKeys.get(f), FlightStatus.SCHEDULED, 1, now, departure));
            }
            producer.flush();
            optIn(next, now);
            Chaos.log("round %d: %d bookings, %d opt-ins written; waiting for the notifier to read them", round, next,
                    expected.size() / 2);
            new KafkaReads(s).awaitNotifierCaughtUp(Duration.ofSeconds(180));
            // Steady cancellations over the load window, the storm at a seeded moment within it.
            long window = s.loadSeconds() * 1000L;
            long stormAt = (long) (window * (0.2 + 0.6 * random.nextDouble()));
            long started = System.currentTimeMillis();
            boolean stormSent = false;
            for (int f = 0; f < flights - 1; f++) {
                long due = started + window * f / Math.max(1, flights - 1);
                while (System.currentTimeMillis() < due) {
                    if (!stormSent && System.currentTimeMillis() - started >= stormAt) {
                        stormSent = cancel(producer, flightKeys.getLast(), departure);
                    }
                    Thread.sleep(50); // pacing the load generator itself, not waiting for a condition
                }
                cancel(producer, flightKeys.get(f), departure);
            }
            if (!stormSent) {
                cancel(producer, flightKeys.getLast(), departure);
            }
            producer.flush();
        }
        List<String> lines = expected.stream().map(e -> e.kind() + "\t" + e.travellerKey() + "\t" + e.flightKey()).toList();
        Files.write(expectedFile, lines);
        Chaos.log("round %d: load done, %d messages expected", round, expected.size());
    }

    private boolean cancel(KafkaProducer<String, Object> producer, String flightKey, Instant departure) {
        producer.send(event(flightKey, FlightStatus.CANCELLED, 2, Instant.now(), departure));
        producer.flush();
        return true;
    }

    private static ProducerRecord<String, Object> event(String flightKey, FlightStatus status, int sequence, Instant at,
                                                        Instant departure) {
        String[] parts = flightKey.split("/");
        FlightStatusEvent event = FlightStatusEvent.newBuilder().setEventId(flightKey + "#" + sequence).setEventTime(at)
                .setSequence(sequence).setFlightKey(flightKey).setCarrier("CH").setFlightNumber(parts[0].substring(2))
                .setOriginDate(LocalDate.parse(parts[1])).setStatus(status)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam").setScheduled(departure).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plus(Duration.ofMinutes(75))).build())
                .build();
        return new ProducerRecord<>(Topics.FLIGHT_STATUS.name(), null, at.toEpochMilli(), flightKey, event);
    }

    /** PUT every opt-in, 16 at a time; each is retried until the API answers 2xx (it may be killed meanwhile). */
    private void optIn(int travellers, Instant now) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ObjectMapper json = new ObjectMapper();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < travellers; i++) {
                if (!optsIn(i)) {
                    continue;
                }
                int index = i;
                calls.add(pool.submit(() -> {
                    String body = json.writeValueAsString(Map.of("phone", phone(round, index), "locale", "en",
                            "kinds", List.of("CANCELLATION", "DELAY"),
                            "consent", Map.of("givenAt", now.minusSeconds(60).toString(), "channel", "chaos",
                                    "textVersion", "chaos-v1")));
                    HttpRequest put = HttpRequest.newBuilder(URI.create(s.optinUrl() + "/v1/travellers/" + pnr(round, index)
                                    + "/1/whatsapp")).timeout(Duration.ofSeconds(15))
                            .header("Authorization", "Bearer " + s.optinKey()).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
                    long deadline = System.currentTimeMillis() + 180_000;
                    while (true) {
                        try {
                            HttpResponse<String> answer = http.send(put, HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() / 100 == 2) {
                                return null;
                            }
                            if (answer.statusCode() / 100 == 4) {
                                throw new IllegalStateException("opt-in refused: " + answer.statusCode() + " " + answer.body());
                            }
                        } catch (IOException e) {
                            // the API is down (killed, restarting): a booking site retries
                        }
                        if (System.currentTimeMillis() > deadline) {
                            throw new IllegalStateException("the opt-in API did not answer for 180 s");
                        }
                        Thread.sleep(500); // retry pacing
                    }
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private KafkaProducer<String, Object> producer(Map<String, Object> serde) {
        Serializer events = Topics.FLIGHT_STATUS.valueSerde(serde).serializer();
        Serializer segments = Topics.PASSENGER_SEGMENT.valueSerde(serde).serializer();
        // One producer for both record types, each with its topic's serializer.
        Serializer<Object> any = (topic, value) -> value instanceof PassengerSegment
                ? segments.serialize(topic, value) : events.serialize(topic, value);
        return new KafkaProducer<>(Map.of("bootstrap.servers", s.bootstrap(), "acks", "all",
                "enable.idempotence", "true", "delivery.timeout.ms", "300000"), new StringSerializer(), any);
    }
}
