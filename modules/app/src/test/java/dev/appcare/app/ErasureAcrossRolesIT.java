package dev.appcare.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.model.Keys;
import dev.appcare.model.runtime.AppConfig;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.NotifierApp;
import dev.appcare.optin.OptinApp;
import dev.appcare.sender.SenderApp;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.net.ServerSocket;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * GDPR erasure across roles: after the opt-in API erases a traveller, the phone number is in none of
 * the state the notifier and the sender keep.
 *
 * <p>How it is checked. All three roles and the simulator run on the real broker and registry; the
 * traveller opts in, is booked, gets a delay message delivered, and is then erased. The notifier keeps
 * its state in Kafka Streams stores backed by changelog topics (all named {@code <application.id>-...});
 * the sender keeps its state in memory, rebuilt from {@code traveller.preference.v1} and its ledger
 * {@code sender.ledger.v1}. So the test makes those compacted topics cleanable quickly (segments roll
 * after 100 ms, any dirty ratio), rolls their segments, waits for the broker's log cleaner, and then
 * scans the raw key and value bytes of every record physically on them — including every internal topic
 * of the notifier — for the number. Not scanned: the event logs {@code notify.whatsapp-request.v1} and
 * {@code notify.whatsapp-status.v1}, which are time-retained message histories, not role state.
 */
@IntegrationTest
class ErasureAcrossRolesIT {
    private static final String PHONE = "+31687650042";
    private static final String KEY = "erasure-test-key-0123456789abcdefghij";

    @Test
    void shouldLeaveThePhoneNumberInNoRoleStateAfterErasure(RealInfrastructure infra) throws Exception {
        String bootstrap = infra.broker().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin, Topics.ALL, 2, (short) 1).apply();
        }
        Map<String, String> common = Map.of("kafka.bootstrap.servers", bootstrap, "schema.registry.url", infra.registry().url());
        String appId = "erasure-it-notifier";
        int webhookPort = freePort();
        try (WhatsAppSimulator whatsapp = WhatsAppSimulator.builder().accessToken("t0ken").appSecret("s3cret")
                .phoneNumberIds("1001").pairRate(45, Duration.ofSeconds(6))
                .webhookUrl(URI.create("http://127.0.0.1:" + webhookPort + "/webhook")).start()) {
            OptinApp optin = new OptinApp(config(common, Map.of("optin.http.port", "0", "optin.auth.key.it.secret", KEY,
                    "optin.auth.key.it.permissions", "read,write,erase"))).start();
            NotifierApp notifier = new NotifierApp(config(common, Map.of("notifier.application.id", appId,
                    "notifier.health.port", String.valueOf(freePort()),
                    "notifier.state.dir", Files.createTempDirectory("erasure-it").toString())));
            notifier.start();
            SenderApp sender = SenderApp.fromConfig(config(common, Map.ofEntries(
                    Map.entry("whatsapp.base-url", whatsapp.baseUrl()), Map.entry("whatsapp.token", "t0ken"),
                    Map.entry("whatsapp.app-secret", "s3cret"), Map.entry("whatsapp.verify-token", "v"),
                    Map.entry("whatsapp.phone-number-id", "1001"), Map.entry("sender.group-id", "erasure-it-sender"),
                    Map.entry("sender.webhook.port", String.valueOf(webhookPort)), Map.entry("sender.webhook.path", "/webhook"),
                    Map.entry("sender.health.port", String.valueOf(freePort()))))).start();
            try {
                String flight = Keys.flightKey("KL", "1234", LocalDate.now(ZoneId.of("Europe/Amsterdam")), "AMS");
                assertThat(http(optin.port(), "PUT", "{\"phone\":\"" + PHONE + "\",\"locale\":\"nl\",\"kinds\":[\"DELAY\"],"
                        + "\"consent\":{\"givenAt\":\"" + Instant.now().minusSeconds(60) + "\",\"channel\":\"booking-web\",\"textVersion\":\"v1\"}}"))
                        .isEqualTo(201);
                Instant departure = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
                try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                        "max.in.flight.requests.per.connection", "1"), new StringSerializer(), serializer(infra))) {
                    producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey("GDPR42/1", flight),
                            PassengerSegment.newBuilder().setTravellerKey("GDPR42/1").setFlightKey(flight)
                                    .setStatus(SegmentStatus.ACTIVE).setGivenName("Eva").setUpdatedAt(Instant.now()).build())).get();
                    Thread.sleep(3_000);
                    producer.send(new ProducerRecord<>(Topics.FLIGHT_STATUS.name(), flight, flight(flight, departure))).get();
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (whatsapp.acceptedFor(PHONE).size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                }
                assertThat(whatsapp.acceptedFor(PHONE)).as("confirmation and delay delivered before the erasure")
                        .extracting(m -> m.templateName()).containsExactlyInAnyOrder("optin_confirmation", "flight_delay");

                assertThat(http(optin.port(), "DELETE", null)).isEqualTo(204);
                Thread.sleep(3_000); // the notifier and the sender apply the tombstone

                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    Set<String> scanned = admin.listTopics().names().get().stream()
                            .filter(t -> t.startsWith(appId) || t.equals(Topics.TRAVELLER_PREFERENCE.name())
                                    || t.equals(Topics.SENDER_LEDGER.name()))
                            .collect(Collectors.toSet());
                    assertThat(scanned).anyMatch(t -> t.startsWith(appId) && t.endsWith("-changelog"));
                    List<ConfigResource> resources = scanned.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
                    Map<ConfigResource, Collection<AlterConfigOp>> fast = new HashMap<>();
                    resources.forEach(r -> fast.put(r, List.of(
                            new AlterConfigOp(new ConfigEntry("segment.ms", "100"), AlterConfigOp.OpType.SET),
                            new AlterConfigOp(new ConfigEntry("min.cleanable.dirty.ratio", "0.01"), AlterConfigOp.OpType.SET),
                            new AlterConfigOp(new ConfigEntry("delete.retention.ms", "0"), AlterConfigOp.OpType.SET))));
                    admin.incrementalAlterConfigs(fast).all().get();

                    long cleanDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    List<String> holding = holdingThePhone(bootstrap, scanned);
                    // Proof that the scan can see the number at all: before cleaning, the preference topic and the
                    // notifier's preference store changelog still hold it.
                    assertThat(holding).as("topics holding the number before compaction")
                            .contains(Topics.TRAVELLER_PREFERENCE.name()).anyMatch(t -> t.startsWith(appId));
                    try (var roller = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                            new ByteArraySerializer(), new ByteArraySerializer())) {
                        while (!holding.isEmpty() && System.nanoTime() < cleanDeadline) {
                            Thread.sleep(200);
                            // A tombstone for a key no store has rolls the active segment so it can be cleaned.
                            for (String topic : holding) {
                                for (var p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
                                    roller.send(new ProducerRecord<>(topic, p.partition(), "zz-roll".getBytes(), null)).get();
                                }
                            }
                            Thread.sleep(2_000);
                            holding = holdingThePhone(bootstrap, scanned);
                        }
                    }
                    assertThat(holding).as("topics still holding %s after compaction", PHONE).isEmpty();
                }
            } finally {
                sender.stop();
                notifier.stop();
                optin.stop();
            }
        }
    }

    private static List<String> holdingThePhone(String bootstrap, Set<String> topics) {
        byte[] needle = PHONE.getBytes(StandardCharsets.UTF_8);
        byte[] digits = PHONE.substring(3).getBytes(StandardCharsets.UTF_8);
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
                        found |= contains(r.key(), needle) || contains(r.value(), needle)
                                || contains(r.key(), digits) || contains(r.value(), digits);
                    }
                }
                if (found) {
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
        Instant estimated = departure.plus(40, ChronoUnit.MINUTES);
        return FlightStatusEvent.newBuilder().setEventId("erasure-it-1").setEventTime(Instant.now()).setSequence(1)
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

    private static AppConfig config(Map<String, String> common, Map<String, String> role) {
        Map<String, String> values = new HashMap<>(common);
        values.putAll(role);
        return AppConfig.of(values);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
