package dev.appcare.app;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.model.Keys;
import dev.appcare.model.runtime.AppConfig;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.NotifierApp;
import dev.appcare.optin.OptinApp;
import dev.appcare.sender.SenderApp;
import dev.appcare.whatsappsim.SentMessage;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code appcare demo}: runs the WhatsApp simulator, the opt-in API, the notifier and the sender in
 * this JVM against a running Kafka + registry ({@code scripts/stack start}), plays a short morning at
 * Schiphol, and prints what each traveller received on WhatsApp. Each run uses fresh booking
 * references and event ids, so runs do not interfere.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Play a short scenario end to end on the local stack and show what each traveller received.")
final class DemoCommand implements Callable<Integer> {
    private static final String PHONE_NUMBER_ID = "106540352242922";

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--settle-seconds", defaultValue = "40",
            description = "How long to wait for the last messages to arrive (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    private final HttpClient http = HttpClient.newHttpClient();

    record Passenger(String travellerKey, String givenName, String phone, String locale, boolean optsIn) {
    }

    @Override
    public Integer call() throws Exception {
        kafka.appConfig(); // resolves --config, the environment and the options into the two fields used below
        String run = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 3).toUpperCase();
        String apiKey = "demo-key-" + UUID.randomUUID() + UUID.randomUUID();
        String token = "demo-token-" + UUID.randomUUID();
        String appSecret = "demo-secret-" + UUID.randomUUID();
        int webhookPort = freePort();

        step("Starting the WhatsApp Cloud API simulator, the opt-in API, the notifier and the sender (run " + run + ")");
        try (WhatsAppSimulator whatsapp = WhatsAppSimulator.builder()
                .accessToken(token).appSecret(appSecret).phoneNumberIds(PHONE_NUMBER_ID)
                .pairRate(45, Duration.ofSeconds(6)).latency(Duration.ofMillis(150), Duration.ofMillis(50))
                .webhookUrl(URI.create("http://127.0.0.1:" + webhookPort + "/webhook")).start()) {
            Map<String, String> common = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers,
                    "schema.registry.url", kafka.schemaRegistryUrl);
            OptinApp optin = new OptinApp(config(common, Map.of("optin.http.port", "0",
                    "optin.auth.key.demo.secret", apiKey, "optin.auth.key.demo.permissions", "read,write,erase",
                    "optin.transactional.id", "appcare-demo-optin-" + run))).start();
            // The demo plays a flight's day in seconds: the message budget (N12) keeps its daily limit, without spacing.
            NotifierApp notifier = new NotifierApp(config(common, Map.of("notifier.application.id", "appcare-demo-notifier",
                    "notifier.budget.spacing", "PT0S", "notifier.health.port", String.valueOf(freePort()),
                    "notifier.state.dir", Files.createTempDirectory("appcare-demo-notifier").toString())));
            notifier.start();
            SenderApp sender = SenderApp.fromConfig(config(common, Map.ofEntries(
                    Map.entry("whatsapp.base-url", whatsapp.baseUrl()), Map.entry("whatsapp.token", token),
                    Map.entry("whatsapp.app-secret", appSecret), Map.entry("whatsapp.verify-token", "demo-verify"),
                    Map.entry("whatsapp.phone-number-id", PHONE_NUMBER_ID), Map.entry("sender.group-id", "appcare-demo-sender"),
                    Map.entry("sender.webhook.port", String.valueOf(webhookPort)), Map.entry("sender.webhook.path", "/webhook"),
                    Map.entry("sender.health.port", String.valueOf(freePort())), Map.entry("sender.pair-interval", "PT0.2S")))).start();
            try {
                play(run, apiKey, optin.port());
                step("Waiting " + settleSeconds + " s for the sender to deliver everything...");
                Thread.sleep(settleSeconds * 1000L);
                report(whatsapp, run);
            } finally {
                sender.stop();
                notifier.stop();
                optin.stop();
            }
        }
        return 0;
    }

    private void play(String run, String apiKey, int optinPort) throws Exception {
        ZoneId ams = ZoneId.of("Europe/Amsterdam");
        LocalDate today = LocalDate.now(ams);
        Instant departure = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        String flight = Keys.flightKey("KL", "1001", today, "AMS");
        String pnr = "D" + run + "A";
        List<Passenger> passengers = List.of(
                new Passenger(Keys.travellerKey(pnr, "1"), "Sanne", "+31612345601", "nl", true),
                new Passenger(Keys.travellerKey(pnr, "2"), "John", "+14155550102", "en_US", true),
                new Passenger(Keys.travellerKey(pnr, "3"), "Ana", "+5511955550103", "pt_BR", true),
                new Passenger(Keys.travellerKey(pnr, "4"), "Kenji", "+61412555104", "en_AU", true),
                new Passenger(Keys.travellerKey(pnr, "5"), "Lukas", "+4915155550105", "de", false));

        try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of("bootstrap.servers", kafka.bootstrapServers,
                "acks", "all", "enable.idempotence", "true"), new StringSerializer(), avroSerializer())) {
            step("Reservations book 5 passengers on KL1001 AMS→LHR today, departing " + local(departure, ams));
            for (Passenger p : passengers) {
                send(producer, Topics.PASSENGER_SEGMENT, Keys.segmentKey(p.travellerKey(), flight), PassengerSegment.newBuilder()
                        .setTravellerKey(p.travellerKey()).setFlightKey(flight).setStatus(SegmentStatus.ACTIVE)
                        .setGivenName(p.givenName()).setFamilyName("Demo").setUpdatedAt(Instant.now()).build());
            }
            step("4 of them opt in to WhatsApp through the opt-in API (Lukas does not); Kenji's locale, en_AU, falls back to the en_GB templates");
            for (Passenger p : passengers.stream().filter(Passenger::optsIn).toList()) {
                String[] key = p.travellerKey().split("/");
                String body = "{\"phone\":\"" + p.phone() + "\",\"locale\":\"" + p.locale() + "\","
                        + "\"kinds\":[\"DELAY\",\"CANCELLATION\",\"GATE_CHANGE\",\"BOARDING\",\"DIVERSION\",\"BOARDING_PASS\"],"
                        + "\"consent\":{\"givenAt\":\"" + Instant.now().minusSeconds(60) + "\",\"channel\":\"booking-web\",\"textVersion\":\"demo-v1\"}}";
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + optinPort + "/v1/travellers/" + key[0] + "/" + key[1] + "/whatsapp"))
                        .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.printf("    %-10s %s -> HTTP %d%n", p.travellerKey(), p.givenName(), answer.statusCode());
            }
            Thread.sleep(3_000); // let the notifier's tables take in bookings and preferences

            long sequence = 1;
            step("Operations publish KL1001 as scheduled, gate D7");
            send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, sequence++, departure, departure, "D7", FlightStatus.SCHEDULED));
            step("...then a 45-minute delay (one message per opted-in passenger)");
            FlightStatusEvent delay = flightEvent(run, flight, today, sequence++, departure, departure.plus(45, ChronoUnit.MINUTES), "D7", FlightStatus.DELAYED);
            send(producer, Topics.FLIGHT_STATUS, flight, delay);
            step("...the same delay event re-sent by the upstream system (nothing new must be sent)");
            send(producer, Topics.FLIGHT_STATUS, flight, delay);
            step("...the estimate flaps by 5 minutes (below the 15-minute threshold: nothing sent)");
            send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, sequence++, departure, departure.plus(50, ChronoUnit.MINUTES), "D7", FlightStatus.DELAYED));
            step("...a gate change to D12");
            send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, sequence++, departure, departure.plus(50, ChronoUnit.MINUTES), "D12", FlightStatus.DELAYED));
            step("The departure control system issues Sanne's boarding pass (a PDF link as the document header)");
            Passenger sanne = passengers.get(0);
            send(producer, Topics.BOARDING_PASS, sanne.travellerKey(), BoardingPassIssued.newBuilder()
                    .setEventId("demo-" + run + "-bp-1").setEventTime(Instant.now()).setTravellerKey(sanne.travellerKey())
                    .setFlightKey(flight).setIssueSequence(1).setPassengerName("DEMO/SANNE").setSeat("12A")
                    .setBoardingGroup("2").setBoardingTime(departure.plus(20, ChronoUnit.MINUTES)).setGate("D12")
                    .setDepartureAirport("AMS").setDepartureTimeZone("Europe/Amsterdam").setScheduledDeparture(departure)
                    .setDocumentUrl("https://example.invalid/boarding-passes/" + run + "-1.pdf")
                    .setBarcodeData("M1DEMO/SANNE          E" + pnr + " AMSLHRKL 1001 327Y012A0001 100").build());
            step("...and boarding starts at D12");
            send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, sequence, departure, departure.plus(50, ChronoUnit.MINUTES), "D12", FlightStatus.BOARDING));
            producer.flush();
        }
    }

    private static FlightStatusEvent flightEvent(String run, String flight, LocalDate date, long sequence, Instant scheduled,
                                                 Instant estimated, String gate, FlightStatus status) {
        return FlightStatusEvent.newBuilder()
                .setEventId("demo-" + run + "-kl1001-" + sequence).setEventTime(Instant.now()).setSequence(sequence)
                .setFlightKey(flight).setCarrier("KL").setFlightNumber("1001").setOriginDate(date)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(scheduled).setEstimated(estimated).setGate(gate).setTerminal("2").build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(scheduled.plus(80, ChronoUnit.MINUTES)).setEstimated(estimated.plus(80, ChronoUnit.MINUTES)).build())
                .setStatus(status).setSource("demo").build();
    }

    private void report(WhatsAppSimulator whatsapp, String run) {
        step("What each traveller received on WhatsApp (as recorded by the simulator):");
        Map<String, List<SentMessage>> byRecipient = new LinkedHashMap<>();
        for (SentMessage m : whatsapp.accepted()) {
            byRecipient.computeIfAbsent(m.to(), k -> new java.util.ArrayList<>()).add(m);
        }
        byRecipient.forEach((to, messages) -> {
            System.out.println("  " + to);
            for (SentMessage m : messages) {
                System.out.printf("    %-20s [%s] %s%s%n", m.templateName(), m.language(), m.bodyParameters(),
                        m.documentLink() == null ? "" : " + document " + m.documentFilename());
            }
        });
        System.out.printf("%nIn all: %d messages accepted by WhatsApp for %d travellers; rejections by error code: %s%n",
                whatsapp.acceptedCount(), byRecipient.size(), whatsapp.rejectionCounts());
        System.out.println("Lukas (+4915155550105) did not opt in and got nothing. Statuses and the audit trail are on "
                + Topics.WHATSAPP_STATUS.name() + "; requests on " + Topics.WHATSAPP_REQUEST.name() + ".");
        System.out.println("Sanne's whole story, the updates that sent her nothing included: scripts/appcare ops trace --traveller D"
                + run + "A/1");
    }

    private static <V extends SpecificRecord> void send(KafkaProducer<String, SpecificRecord> producer, TopicSpec<V> topic,
                                                        String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        Thread.sleep(1_500); // give each step its own moment, as in real life
    }

    @SuppressWarnings("unchecked")
    private AvroSerializer<SpecificRecord> avroSerializer() {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", kafka.schemaRegistryUrl), false);
        return serializer;
    }

    private static AppConfig config(Map<String, String> common, Map<String, String> role) {
        Map<String, String> values = new LinkedHashMap<>(common);
        values.putAll(role);
        return AppConfig.of(values);
    }

    private static String local(Instant instant, ZoneId zone) {
        return instant.atZone(zone).toLocalTime().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void step(String text) {
        System.out.println("\n== " + text);
    }
}
