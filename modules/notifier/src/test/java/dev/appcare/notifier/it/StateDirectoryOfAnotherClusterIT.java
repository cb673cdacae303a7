package dev.appcare.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.StateDirectoryCluster;
import dev.appcare.notifier.NotifierApp;
import dev.appcare.notifier.streams.NotifierTopology;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.KafkaBroker;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The notifier started on a state directory that was built from another Kafka cluster, with the same
 * application id and the same flight (a reset stack, a rebuilt environment, or {@code scripts/chaos} run
 * again with the same seed, which is how this was found: 32 cancellations lost after a notifier kill).
 * Kafka Streams restores a store from its checkpoint onwards; when the new cluster's changelog is already
 * longer than that checkpoint (other instances have worked on it) it reads on from there and keeps the old
 * records before it, here the flight "already cancelled" with sequence 2. The new cancellation is then taken
 * for a repeat and nobody gets it. With {@link StateDirectoryCluster} the directory is wiped first, and every
 * opted-in passenger gets the cancellation on the new cluster too.
 */
@IntegrationTest
class StateDirectoryOfAnotherClusterIT {
    private static final int PASSENGERS = 4;
    private static final int OTHER_FLIGHTS = 40;
    private static final ZoneId AMS = ZoneId.of("Europe/Amsterdam");

    @Test
    void shouldNotifyOnANewClusterAlthoughTheStateDirectoryRemembersTheSameFlightFromAnOldOne(RealInfrastructure infra)
            throws Exception {
        String suffix = "-" + TestNames.unique("otherc");
        TopicNames topics = Topics.withSuffix(suffix);
        String applicationId = "notifier" + suffix;
        Path work = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "otherc" + suffix));
        Path kept = work.resolve("state");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant departure = now.plus(Duration.ofMinutes(100));
        String flight = "CH0204/" + departure.atZone(AMS).toLocalDate() + "/AMS";
        String registry = infra.schemaRegistryUrl();

        // The old cluster: the flight is scheduled and cancelled; the instance stops cleanly (checkpoints written).
        List<String> first;
        KafkaIo.createTopics(infra.broker(), topics, 3);
        try (Notifier old = new Notifier(infra.broker(), registry, suffix, applicationId, kept)) {
            old.book(flight, now, departure);
            old.awaitProcessed();
            old.cancel(flight, now, departure);
            old.awaitProcessed();
            first = old.cancellations(PASSENGERS);
        }
        assertThat(first).as("cancellations on the old cluster").hasSize(PASSENGERS);

        try (KafkaBroker other = KafkaBroker.start()) {
            KafkaIo.createTopics(other, topics, 3);
            // The new cluster: another instance (its own directory) takes the same bookings and schedule, then a
            // busy day of other flights that carries every changelog past the old directory's checkpoints.
            try (Notifier fresh = new Notifier(other, registry, suffix, applicationId, work.resolve("state-fresh"))) {
                fresh.book(flight, now, departure);
                fresh.awaitProcessed();
                List<String> others = new java.util.ArrayList<>();
                for (int f = 0; f < OTHER_FLIGHTS; f++) {
                    others.add(String.format("CH03%02d/%s/AMS", f, departure.atZone(AMS).toLocalDate()));
                }
                others.forEach(f -> fresh.book(f, now, departure));
                fresh.awaitProcessed();
                others.forEach(f -> fresh.cancel(f, now, departure));
                fresh.awaitProcessed();
                assertThat(fresh.cancellations(OTHER_FLIGHTS * PASSENGERS)).as("the other flights' cancellations").hasSize(OTHER_FLIGHTS * PASSENGERS);
            }
            // The instance with the old directory takes over, and the flight is cancelled on the new cluster.
            try (Notifier restarted = new Notifier(other, registry, suffix, applicationId, kept)) {
                restarted.cancel(flight, now, departure);
                restarted.awaitProcessed();
                List<String> ids = restarted.cancellations((OTHER_FLIGHTS + 1) * PASSENGERS);
                assertThat(ids).as("cancellations on the new cluster: the other flights', and the same ids as on the old one")
                        .hasSize((OTHER_FLIGHTS + 1) * PASSENGERS).containsAll(first);
            }
        }
        assertThat(Files.readString(StateDirectoryCluster.marker(kept, applicationId)).strip()).isNotBlank();
    }

    /** A notifier on {@code broker} with its state in {@code stateDir}, and the records this test writes. */
    private static final class Notifier implements AutoCloseable {
        private final TopicNames topics;
        private final String applicationId;
        private final NotifierApp app;
        private final KafkaIo io;

        Notifier(KafkaBroker broker, String registryUrl, String suffix, String applicationId, Path stateDir)
                throws InterruptedException {
            this.topics = Topics.withSuffix(suffix);
            this.applicationId = applicationId;
            this.app = new NotifierApp(AppConfig.of(Map.of(
                    "kafka.bootstrap.servers", broker.bootstrapServers(),
                    "schema.registry.url", registryUrl,
                    "notifier.application.id", applicationId,
                    "notifier.topics.suffix", suffix,
                    "notifier.state.dir", stateDir.toString(),
                    "notifier.health.port", "0",
                    "kafka.commit.interval.ms", "200")));
            this.io = new KafkaIo(broker, registryUrl);
            app.start();
            KafkaIo.await("the notifier running", Duration.ofSeconds(90), () -> app.state() == KafkaStreams.State.RUNNING);
        }

        /** {@value #PASSENGERS} passengers opted in to cancellations and the flight's schedule (sequence 1); no wait. */
        void book(String flight, Instant now, Instant departure) {
            String number = flight.substring(2, 6);
            for (int i = 0; i < PASSENGERS; i++) {
                String traveller = String.format("C%s%02d/1", number, i);
                io.send(topics.name(Topics.PASSENGER_SEGMENT), Keys.segmentKey(traveller, flight), PassengerSegment.newBuilder()
                        .setTravellerKey(traveller).setFlightKey(flight).setStatus(SegmentStatus.ACTIVE).setUpdatedAt(now).build());
                io.send(topics.name(Topics.TRAVELLER_PREFERENCE), traveller, TravellerPreference.newBuilder().setTravellerKey(traveller)
                        .setPhoneE164(String.format("+3161%s%03d", number, i)).setLocale("en").setStatus(OptInStatus.OPTED_IN)
                        .setKinds(List.of(MessageKind.CANCELLATION))
                        .setConsent(new ConsentEvidence(now.minusSeconds(60), "booking-web", "v1")).setUpdatedAt(now).build());
            }
            io.send(topics.name(Topics.FLIGHT_STATUS), flight, event(flight, FlightStatus.SCHEDULED, 1, now, departure));
        }

        void cancel(String flight, Instant now, Instant departure) {
            io.send(topics.name(Topics.FLIGHT_STATUS), flight, event(flight, FlightStatus.CANCELLED, 2, now.plusSeconds(5), departure));
        }

        /** Waits until the notifier has processed everything sent so far (its group committed past it). */
        void awaitProcessed() throws InterruptedException {
            io.flush();
            KafkaIo.await("the input processed", Duration.ofSeconds(90),
                    () -> io.caughtUp(applicationId, topics.names(NotifierTopology.INPUTS), KafkaIo.allRepartitionTopics()));
        }

        /**
         * The messageIds of the committed requests once there are {@code expected} of them, or after 60 s with
         * what there is (the caller asserts the exact count): the group's committed offsets can run ahead of
         * the request topic's last transaction being readable, so the count is awaited, not read once.
         */
        List<String> cancellations(int expected) throws InterruptedException {
            try {
                KafkaIo.await(expected + " cancellations", Duration.ofSeconds(60), () -> cancellations().size() >= expected);
            } catch (AssertionError timedOut) {
                // fall through: the caller's assertion reports the count and the ids
            }
            return cancellations();
        }

        /** The messageIds of the committed requests, every one a cancellation. */
        List<String> cancellations() {
            List<ConsumerRecord<String, WhatsAppRequest>> requests = io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, true);
            assertThat(requests).allSatisfy(r -> assertThat(r.value().getKind()).isEqualTo(MessageKind.CANCELLATION));
            return requests.stream().map(r -> r.value().getMessageId()).toList();
        }

        @Override
        public void close() {
            app.stop(); // a clean close: Kafka Streams writes its checkpoints, as at any graceful stop
            io.close();
        }
    }

    private static FlightStatusEvent event(String flight, FlightStatus status, int sequence, Instant at, Instant departure) {
        String[] parts = flight.split("/");
        return FlightStatusEvent.newBuilder().setEventId(flight + "#" + sequence).setEventTime(at).setSequence(sequence)
                .setFlightKey(flight).setCarrier("CH").setFlightNumber(parts[0].substring(2))
                .setOriginDate(LocalDate.parse(parts[1])).setStatus(status)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam").setScheduled(departure).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plus(Duration.ofMinutes(75))).build())
                .build();
    }
}
