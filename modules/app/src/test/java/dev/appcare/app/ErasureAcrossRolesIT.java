package dev.appcare.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.topics.ErasureBound;
import dev.appcare.testkit.KafkaBroker;
import dev.appcare.whatsappsim.Fault;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.care.CareApp;
import dev.appcare.model.Keys;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * GDPR erasure across roles, against the stated bound: after the opt-in API erases a traveller (and the
 * reservation system deletes the booking), the phone number and the name are gone from the raw bytes of
 * every topic on the broker — inputs, requests, statuses, both dead-letter topics, the preference topic,
 * the ledger, care's topics and every internal topic and changelog of the notifier and of care — within
 * {@link ErasureBound#bound()}.
 *
 * <p>How it is checked. Nothing is forced: the topics are created by {@link TopicProvisioner} with the
 * production settings, and the roles (opt-in API, notifier, sender, care) run their production wiring and
 * tickers, all derived from one erasure bound. Time is scaled down only there: the bound is
 * {@value #BOUND_SECONDS} s instead of 24 h (so segments roll after 7.5 s, compaction lags at most 15 s,
 * personal data on time-retained topics is kept 30 s, care sweeps every 3.75 s), and the test's own broker
 * checks retention every second and backs its cleaner off 1 s ({@code log.retention.check.interval.ms},
 * {@code log.cleaner.backoff.ms}: the two broker settings the bound assumes to be at most B/8 and B/16;
 * Kafka's defaults of 5 min and 15 s fit the default bound). The traveller opts in, writes to the business
 * number with their name (care keeps the conversation and the number's history, keyed by the number, whose
 * own tombstones are the number), is booked, gets the confirmation and care's answer delivered, and the delay
 * message fails terminally (dead-lettered by the sender); a broken preference with the number goes to the
 * notifier's dead letters. Then the erasure, and the scan of every record physically readable on every
 * topic, until it finds nothing or the bound passes. Not scanned for the name:
 * {@code booking.passenger-segment.v1}, the reservation system's own topic, which only the reservation
 * system's writes keep rolling (docs/privacy.md); it is scanned for the number.
 */
@IntegrationTest
class ErasureAcrossRolesIT {
    private static final String PHONE = "+31687650042";
    private static final String NAME = "Evangelinexq";
    private static final String KEY = "erasure-test-key-0123456789abcdefghij";
    private static final int BOUND_SECONDS = 60;
    /** The test broker's {@code log.cleaner.backoff.ms}: scaled like the bound (Kafka's default is 15 s). */
    private static final Duration CLEANER_BACKOFF = Duration.ofSeconds(1);

    @Test
    void shouldLeaveTheNumberAndTheNameOnNoTopicWithinTheErasureBound(RealInfrastructure infra) throws Exception {
        ErasureBound erasure = ErasureBound.of(Duration.ofSeconds(BOUND_SECONDS));
        try (KafkaBroker broker = KafkaBroker.start(Map.of("log.retention.check.interval.ms", "1000",
                "log.cleaner.backoff.ms", String.valueOf(CLEANER_BACKOFF.toMillis())))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicProvisioner(admin, Topics.ALL, 2, (short) 1, erasure).apply();
            }
            run(infra, bootstrap, erasure);
        }
    }

    private void run(RealInfrastructure infra, String bootstrap, ErasureBound erasure) throws Exception {
        Map<String, String> common = Map.of("kafka.bootstrap.servers", bootstrap, "schema.registry.url", infra.registry().url(),
                "erasure.bound", erasure.bound().toString());
        String appId = "erasure-it-notifier";
        String careId = "erasure-it-care";
        try (WhatsAppSimulator whatsapp = SimulatedWhatsApp.builder().start()) {
            try (LocalAppCare appcare = LocalAppCare.with(common)
                    .optin(Map.of("optin.http.port", "0", "optin.auth.key.it.secret", KEY,
                            "optin.auth.key.it.permissions", "read,write,erase"))
                    .notifier(Map.of("notifier.application.id", appId,
                            "notifier.health.port", "0",
                            "notifier.state.dir", Files.createTempDirectory("erasure-it").toString()))
                    .sender(SimulatedWhatsApp.sender(whatsapp, "erasure-it-sender", 0))
                    .care(Map.of("care.application.id", careId,
                            "care.health.port", "0",
                            "care.state.dir", Files.createTempDirectory("erasure-it-care").toString()))
                    .start()) {
                // Every port is the system's choice (0): the simulator learns the webhook's once it is bound.
                whatsapp.webhookUrl(SimulatedWhatsApp.webhookUrl(appcare.sender().webhookPort()));
                CareApp care = appcare.care();
                int optinPort = appcare.optinPort();
                String flight = Keys.flightKey("KL", "1234", LocalDate.now(ZoneId.of("Europe/Amsterdam")), "AMS");
                String segmentKey = Keys.segmentKey("GDPR42/1", flight);
                assertThat(http(optinPort, "PUT", "{\"phone\":\"" + PHONE + "\",\"locale\":\"nl\",\"kinds\":[\"DELAY\"],"
                        + "\"consent\":{\"givenAt\":\"" + Instant.now().minusSeconds(60) + "\",\"channel\":\"booking-web\",\"textVersion\":\"v1\"}}"))
                        .isEqualTo(201);
                await("the confirmation delivered", () -> whatsapp.acceptedFor(PHONE).size() == 1);
                // The traveller writes to the business number, with their name: care learns who the number is from
                // the confirmation, answers, and keeps the conversation and the number's history under the number.
                await("care saw the confirmation", () -> care.metrics().count("sent-remembered") >= 1);
                whatsapp.simulateInboundText(PHONE, "Hallo, met " + NAME + ". Kan ik mijn stoel nog wijzigen?", NAME, SimulatedWhatsApp.PHONE_NUMBER_ID);
                await("care's answer delivered", () -> whatsapp.acceptedFor(PHONE).stream().anyMatch(m -> "text".equals(m.type())));
                // Proof that the scan sees it on care.inbound.v1 (kept B/2 = 30 s here, so checked now, not below).
                assertThat(holding(bootstrap, Set.of(Topics.CARE_INBOUND.name()), PHONE)).containsExactly(Topics.CARE_INBOUND.name());
                assertThat(holding(bootstrap, Set.of(Topics.CARE_INBOUND.name()), NAME)).containsExactly(Topics.CARE_INBOUND.name());
                whatsapp.faults().forRecipient(PHONE, 1, Fault.error(131026)); // the delay: undeliverable, dead-lettered
                Instant departure = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
                try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                        "max.in.flight.requests.per.connection", "1"), new StringSerializer(), serializer(infra))) {
                    producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), segmentKey,
                            PassengerSegment.newBuilder().setTravellerKey("GDPR42/1").setFlightKey(flight)
                                    .setStatus(SegmentStatus.ACTIVE).setGivenName(NAME).setUpdatedAt(Instant.now()).build())).get();
                    // A preference the notifier must refuse (bad locale) that carries the number.
                    producer.send(new ProducerRecord<>(Topics.TRAVELLER_PREFERENCE.name(), "GDPR42/9", TravellerPreference.newBuilder()
                            .setTravellerKey("GDPR42/9").setPhoneE164(PHONE).setLocale("not a locale").setStatus(OptInStatus.OPTED_IN)
                            .setKinds(List.of(MessageKind.DELAY)).setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.now())
                                    .setChannel("it").setTextVersion("v1").build()).setUpdatedAt(Instant.now()).build())).get();
                    Set<String> scanned = topics(bootstrap);
                    await("the booking in the notifier's roster", () -> !holding(bootstrap, scanned, NAME).isEmpty()
                            && holding(bootstrap, scanned, NAME).stream().anyMatch(t -> t.startsWith(appId) && t.contains("roster")));
                    producer.send(new ProducerRecord<>(Topics.FLIGHT_STATUS.name(), flight, flight(flight, departure))).get();
                }
                await("the delay dead-lettered by the sender", () -> holding(bootstrap, Set.of(Topics.WHATSAPP_REQUEST_DLQ.name()), PHONE)
                        .size() == 1);
                // A further delay minutes later: the message budget (N12, one per 10 min) holds it back, with the name,
                // in the notifier's message-budget store until it may go; the erasure must reach it there too.
                try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                        new StringSerializer(), serializer(infra))) {
                    producer.send(new ProducerRecord<>(Topics.FLIGHT_STATUS.name(), flight, flight(flight, departure, 2))).get();
                }
                Set<String> withBudget = topics(bootstrap);
                await("the further delay held back by the budget", () -> holding(bootstrap, withBudget, NAME)
                        .contains(appId + "-message-budget-changelog"));

                Set<String> scanned = topics(bootstrap);
                // Proof that the scan sees what it looks for: before the erasure the number is on the preference
                // topic, the notifier's preference changelog, the requests and both dead-letter topics, and the
                // name on the requests and the notifier's roster changelog; never on the status topic.
                List<String> phoneBefore = holding(bootstrap, scanned, PHONE);
                assertThat(phoneBefore).contains(Topics.TRAVELLER_PREFERENCE.name(), Topics.WHATSAPP_REQUEST.name(),
                                Topics.WHATSAPP_REQUEST_DLQ.name(), appId + "-traveller-preferences-changelog",
                                careId + "-care-conversations-changelog",
                                careId + "-care-phone-history-changelog")
                        .doesNotContain(Topics.WHATSAPP_STATUS.name(), Topics.NOTIFIER_DLQ.name(), Topics.SENDER_LEDGER.name());
                assertThat(holding(bootstrap, Set.of(Topics.NOTIFIER_DLQ.name()), "GDPR42/9")).as("the refused preference is dead-lettered")
                        .containsExactly(Topics.NOTIFIER_DLQ.name());
                assertThat(holding(bootstrap, scanned, NAME)).contains(Topics.WHATSAPP_REQUEST.name(), appId + "-flight-roster-changelog",
                        appId + "-message-budget-changelog", careId + "-care-conversations-changelog");

                // The erasure: the traveller through the opt-in API, the booking by the reservation system.
                Instant erasedAt = Instant.now();
                assertThat(http(optinPort, "DELETE", null)).isEqualTo(204);
                try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                        new StringSerializer(), new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), segmentKey, null)).get();
                    // The refused preference with the same number is erased too (the opt-in API never held it).
                    producer.send(new ProducerRecord<>(Topics.TRAVELLER_PREFERENCE.name(), "GDPR42/9", null)).get();
                }

                // Scan until no topic holds a trace; a topic found clean is not scanned again (nothing writes the
                // number after the erasure), and a last scan of every topic on the broker confirms it.
                Set<String> pending = new HashSet<>(scanned);
                Map<String, List<String>> left = Await.value(() -> {
                    Map<String, List<String>> traces = traces(bootstrap, pending);
                    pending.retainAll(traces.keySet());
                    return traces;
                }, Map::isEmpty, erasure.bound().minus(Duration.between(erasedAt, Instant.now())), "no trace of the number or the name");
                Duration took = Duration.between(erasedAt, Instant.now());
                assertThat(left).isEmpty();
                assertThat(took).isLessThanOrEqualTo(erasure.bound());
                Set<String> everyTopic = topics(bootstrap);
                assertThat(everyTopic).containsAll(scanned);
                assertThat(traces(bootstrap, everyTopic)).as("a last scan of every topic").isEmpty();
                assertThat(care.metrics().count("state-erased")).as("care's sweep deleted the number's state").isEqualTo(1.0);
                System.out.printf("erasure: number and name gone from %d topics %d s after the erasure (bound %d s)%n",
                        everyTopic.size(), took.toSeconds(), erasure.bound().toSeconds());
            }
        }
    }

    /** Every topic on the broker but Kafka's own ({@code __consumer_offsets}, {@code __transaction_state}). */
    private static Set<String> topics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.listTopics().names().get().stream().filter(t -> !t.startsWith("__")).collect(Collectors.toSet());
        }
    }

    private static List<String> names(String bootstrap, Set<String> topics) {
        return holding(bootstrap, topics.stream().filter(t -> !t.equals(Topics.PASSENGER_SEGMENT.name())).collect(Collectors.toSet()), NAME);
    }

    /** Topic → what it still holds ({@code number}, {@code name}), for the topics that hold anything. */
    private static Map<String, List<String>> traces(String bootstrap, Set<String> topics) {
        Map<String, List<String>> traces = new TreeMap<>();
        holding(bootstrap, topics, PHONE).forEach(t -> traces.computeIfAbsent(t, k -> new ArrayList<>()).add("number"));
        names(bootstrap, topics).forEach(t -> traces.computeIfAbsent(t, k -> new ArrayList<>()).add("name"));
        return traces;
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        dev.appcare.testkit.Await.until(what, Duration.ofSeconds(60), condition);
    }

    private static List<String> holding(String bootstrap, Set<String> topics, String text) {
        List<byte[]> needles = new ArrayList<>(List.of(text.getBytes(StandardCharsets.UTF_8)));
        if (text.startsWith("+")) {
            needles.add(text.substring(3).getBytes(StandardCharsets.UTF_8)); // the national digits, in any form
        }
        List<String> holding = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "isolation.level", "read_uncommitted"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (String topic : topics) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                boolean found = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!found && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        for (byte[] needle : needles) {
                            found |= contains(r.key(), needle) || contains(r.value(), needle);
                        }
                    }
                }
                // A topic not read to its end in time counts as holding it: the scan never passes by not looking.
                if (found || partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    holding.add(topic);
                }
            }
        }
        return holding;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static FlightStatusEvent flight(String flight, Instant departure) {
        return flight(flight, departure, 1);
    }

    /** Event {@code sequence}: the departure estimated 40 min late, 20 min more with each further event. */
    private static FlightStatusEvent flight(String flight, Instant departure, int sequence) {
        Instant estimated = departure.plus(20 + 20L * sequence, ChronoUnit.MINUTES);
        return FlightStatusEvent.newBuilder().setEventId("erasure-it-" + sequence).setEventTime(Instant.now()).setSequence(sequence)
                .setFlightKey(flight).setCarrier("KL").setFlightNumber("1234").setOriginDate(LocalDate.now(ZoneId.of("Europe/Amsterdam")))
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(departure).setEstimated(estimated).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plus(80, ChronoUnit.MINUTES)).build())
                .setStatus(FlightStatus.DELAYED).setSource("it").build();
    }

    private static int http(int port, String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/travellers/GDPR42/1/whatsapp"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @SuppressWarnings("unchecked")
    private static AvroSerializer<SpecificRecord> serializer(RealInfrastructure infra) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        return serializer;
    }
}
