package dev.appcare.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerNotice;
import dev.appcare.notifier.streams.InternalSerde;
import dev.appcare.notifier.streams.NotifierTopology;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A day at a small hub through the notifier on a real broker and a real schema registry, with the
 * notifier killed (SIGKILL, mid-transaction) half way and restarted: the output must hold exactly the
 * requests the rules call for, worked out independently ({@link HubDay}), each messageId once (read
 * committed), and every bad input record exactly once in the dead-letter topic. The restarted instance
 * shares the rest of the day with a second one started side by side (same application id).
 */
@IntegrationTest
class NotifierEndToEndIT {
    private static final Logger log = LoggerFactory.getLogger(NotifierEndToEndIT.class);
    private static final int PARTITIONS = 3;

    @Test
    void shouldSendExactlyTheExpectedRequestsAcrossACrash(RealInfrastructure infra) throws Exception {
        String suffix = "-" + TestNames.unique("e2e");
        TopicNames topics = Topics.withSuffix(suffix);
        KafkaIo.createTopics(infra.broker(), topics, PARTITIONS);
        HubDay day = new HubDay(20261123L, 36);
        log.info("Hub day: {} flights, {} passengers, {} flight events, {} boarding passes, {} expected requests",
                day.flights.size(), day.passengers.size(), day.flightEvents.size(), day.boardingPasses.size(),
                day.expected.size());
        assertThat(day.passengers).hasSizeGreaterThan(2000);
        assertThat(day.expectedIds()).hasSize(day.expected.size());

        String applicationId = "notifier" + suffix;
        Path work = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "e2e" + suffix));
        Map<String, String> config = Map.of(
                "kafka.bootstrap.servers", infra.bootstrapServers(),
                "schema.registry.url", infra.schemaRegistryUrl(),
                "notifier.application.id", applicationId,
                "notifier.topics.suffix", suffix,
                "notifier.state.dir", work.resolve("state").toString(),
                // A killed member must leave the group quickly for the restarted one to take over.
                "kafka.session.timeout.ms", "6000",
                "kafka.heartbeat.interval.ms", "1000");

        try (KafkaIo io = new KafkaIo(infra.broker(), infra.schemaRegistryUrl())) {
            // Bookings and preferences first, as in life; then let the notifier build its roster and table.
            for (PassengerSegment segment : day.segmentRecords) {
                io.send(topics.name(Topics.PASSENGER_SEGMENT), Keys.segmentKey(segment.getTravellerKey(), segment.getFlightKey()),
                        HubDay.isTombstone(segment) ? null : segment);
            }
            day.preferences.values().forEach(p -> io.send(topics.name(Topics.TRAVELLER_PREFERENCE), p.record().getTravellerKey(),
                    p.record()));
            int badInputs = day.invalidInputs + sendBadInput(io, topics);
            io.flush();

            List<FlightStatusEvent> firstHalf = day.flightEvents.subList(0, day.flightEvents.size() / 2);
            List<FlightStatusEvent> secondHalf = day.flightEvents.subList(day.flightEvents.size() / 2, day.flightEvents.size());
            // The first instance commits every 5 s (instead of 100 ms), so that the kill lands inside a transaction.
            Map<String, String> slowCommits = new HashMap<>(config);
            slowCommits.put("kafka.commit.interval.ms", "5000");
            try (ChildNotifier first = ChildNotifier.start(slowCommits, work, "notifier-1")) {
                first.awaitHealthy(Duration.ofSeconds(60));
                KafkaIo.await("bookings and preferences processed", Duration.ofSeconds(60), () -> io.caughtUp(applicationId,
                        List.of(topics.name(Topics.PASSENGER_SEGMENT), topics.name(Topics.TRAVELLER_PREFERENCE)), List.of(NotifierTopology.SEGMENTS_BY_FLIGHT,
                                NotifierTopology.PREFERENCES_BY_TRAVELLER)));

                firstHalf.forEach(e -> io.send(topics.name(Topics.FLIGHT_STATUS), e.getFlightKey(), e));
                io.flush();
                KafkaIo.await("a first commit", Duration.ofSeconds(60),
                        () -> !io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, true).isEmpty());
                // More work, then aim the kill at the open transaction it makes: more written than committed.
                day.boardingPasses.forEach(b -> io.send(topics.name(Topics.BOARDING_PASS), b.getTravellerKey(), b));
                io.flush();
                KafkaIo.await("an open transaction", Duration.ofSeconds(30),
                        () -> io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, true).size()
                                < io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, false).size());
                first.kill();
            }
            int beforeRestart = io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, true).size();

            int uncommitted = io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, false).size();
            log.info("Killed the first notifier: {} of {} requests committed, {} written including aborted ones",
                    beforeRestart, day.expected.size(), uncommitted);
            assertThat(beforeRestart).as("killed mid-run").isLessThan(day.expected.size());
            assertThat(uncommitted).as("killed inside a transaction").isGreaterThan(beforeRestart);

            // Restart it (same state directory, as on the same host) and scale out: a second instance with the
            // same application id side by side. The remaining half of the day arrives while they share the work.
            Map<String, String> secondInstance = new HashMap<>(config);
            secondInstance.put("notifier.state.dir", work.resolve("state-b").toString());
            try (ChildNotifier restarted = ChildNotifier.start(config, work, "notifier-2");
                 ChildNotifier sideBySide = ChildNotifier.start(secondInstance, work, "notifier-3")) {
                restarted.awaitHealthy(Duration.ofSeconds(60));
                sideBySide.awaitHealthy(Duration.ofSeconds(60));
                sendFarFutureRecords(io, topics);
                io.flush();
                secondHalf.forEach(e -> io.send(topics.name(Topics.FLIGHT_STATUS), e.getFlightKey(), e));
                badInputs += sendBadInternalRecords(io, applicationId, day);
                io.flush();
                KafkaIo.await("all input processed", Duration.ofSeconds(90), () -> io.caughtUp(applicationId,
                        topics.names(NotifierTopology.INPUTS), KafkaIo.allRepartitionTopics()));
                assertThat(restarted.metrics()).contains("appcare_notifier_requests_total").contains("kafka_stream");
                // SIGTERM: the JVM exits 143 after the shutdown hook has closed Kafka Streams cleanly.
                assertThat(sideBySide.stop(Duration.ofSeconds(30))).isIn(0, 143);
                assertThat(restarted.stop(Duration.ofSeconds(30))).isIn(0, 143);
                assertThat(Files.readString(restarted.log())).contains("PENDING_SHUTDOWN -> NOT_RUNNING");
                assertThat(Files.readString(sideBySide.log())).contains("PENDING_SHUTDOWN -> NOT_RUNNING");
            }

            List<ConsumerRecord<String, WhatsAppRequest>> output = io.readAll(topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class, true);
            List<String> ids = output.stream().map(r -> r.value().getMessageId()).toList();
            Map<String, Long> duplicates = KafkaIo.counts(ids).entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(duplicates).as("messageIds written more than once").isEmpty();
            Set<String> missing = new HashSet<>(day.expectedIds());
            missing.removeAll(ids);
            assertThat(missing).as("expected messageIds missing from the output").isEmpty();
            assertThat(output.stream().map(r -> HubDay.Expected.of(r.key(), r.value())).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrderElementsOf(day.expected);
            assertThat(output).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getRecipient()));

            List<ConsumerRecord<String, DeadLetter>> letters = io.readAll(topics.name(Topics.NOTIFIER_DLQ), DeadLetter.class, true);
            assertThat(letters.stream().map(r -> r.value().getSourceTopic() + "-" + r.value().getSourcePartition() + "@"
                    + r.value().getSourceOffset())).doesNotHaveDuplicates().hasSize(badInputs);
            assertThat(letters).extracting(r -> r.value().getErrorType())
                    .contains("BAD_MAGIC_BYTE", "UNKNOWN_SCHEMA_ID", "TRUNCATED", "UNKNOWN_TIME_ZONE", "INVALID_BOARDING_PASS",
                            "INVALID_PREFERENCE", "UNREADABLE_INTERNAL_RECORD", "PROCESSING_ERROR");
            // The absurd records of every input topic, each exactly once with its reason.
            assertThat(letters.stream().filter(r -> List.of("FIELD_TOO_LONG", "IMPLAUSIBLE_TIME", "RECORD_TOO_LARGE")
                    .contains(r.value().getErrorType())).map(r -> r.value().getSourceTopic() + " " + r.value().getErrorType()))
                    .containsExactlyInAnyOrder(
                            topics.name(Topics.FLIGHT_STATUS) + " FIELD_TOO_LONG", topics.name(Topics.FLIGHT_STATUS) + " IMPLAUSIBLE_TIME",
                            topics.name(Topics.BOARDING_PASS) + " FIELD_TOO_LONG", topics.name(Topics.BOARDING_PASS) + " IMPLAUSIBLE_TIME",
                            topics.name(Topics.PASSENGER_SEGMENT) + " FIELD_TOO_LONG", topics.name(Topics.PASSENGER_SEGMENT) + " IMPLAUSIBLE_TIME",
                            topics.name(Topics.TRAVELLER_PREFERENCE) + " FIELD_TOO_LONG", topics.name(Topics.TRAVELLER_PREFERENCE) + " IMPLAUSIBLE_TIME");
            log.info("{} requests, {} dead letters, exactly as expected", output.size(), letters.size());
        }
    }

    /**
     * Records on the notifier's own repartition topic that its handlers must dead-letter (the test driver
     * cannot show those dead letters): bytes that are no notice at all, and a notice that makes the
     * request factory throw (an unknown time zone that only a bug could let through), for a flight that is
     * not part of the day so the expected requests stay as they are.
     */
    private static int sendBadInternalRecords(KafkaIo io, String applicationId, HubDay day) {
        String notices = applicationId + "-" + NotifierTopology.PASSENGER_NOTICES + "-repartition";
        String traveller = day.preferences.values().stream()
                .filter(p -> p.valid() && p.record().getStatus() == OptInStatus.OPTED_IN
                        && p.record().getKinds().contains(MessageKind.DELAY))
                .map(p -> p.record().getTravellerKey()).sorted().findFirst().orElseThrow();
        io.sendRaw(notices, traveller, new byte[] {7, 7, 7});
        Instant scheduled = HubDay.DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
        FlightView poison = FlightView.newBuilder()
                .setFlightKey("ZZ0001/" + HubDay.DAY + "/AMS").setFlight("ZZ0001").setEventId("poison").setSequence(1)
                .setEventTime(scheduled.minus(Duration.ofHours(3))).setStatus("DELAYED").setDepartureAirport("AMS")
                .setDepartureTimeZone("Nowhere/Atlantis").setScheduledDeparture(scheduled)
                .setEstimatedDeparture(scheduled.plus(Duration.ofMinutes(40))).setArrivalAirport("LHR")
                .setScheduledArrival(scheduled.plus(Duration.ofHours(1))).build();
        io.sendRaw(notices, traveller, InternalSerde.of(
                PassengerNotice.getEncoder(), PassengerNotice.getDecoder())
                .serializer().serialize(notices, new PassengerNotice(traveller, "Anna", null, poison)));
        return 2;
    }

    /** Bad input among the good: not wire format, an unknown schema id, an unknown time zone, an http pass. */
    private static int sendBadInput(KafkaIo io, TopicNames topics) {
        io.sendRaw(topics.name(Topics.FLIGHT_STATUS), "KL1000/" + HubDay.DAY + "/AMS", "{\"status\":\"DELAYED\"}".getBytes());
        io.sendRaw(topics.name(Topics.FLIGHT_STATUS), "KL1002/" + HubDay.DAY + "/AMS", new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 1, 2, 3});
        io.sendRaw(topics.name(Topics.PASSENGER_SEGMENT), "P000000/1|KL1000/" + HubDay.DAY + "/AMS", new byte[] {0, 0, 0});
        FlightStatusEvent unknownZone = FlightStatusEvent.newBuilder()
                .setEventId("bad-zone").setStatus(FlightStatus.SCHEDULED).setEventTime(HubDay.DAY.atStartOfDay(ZoneOffset.UTC).toInstant()).setSequence(1)
                .setFlightKey("XX9999/" + HubDay.DAY + "/AMS").setCarrier("XX").setFlightNumber("9999").setOriginDate(HubDay.DAY)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Atlantis")
                        .setScheduled(HubDay.DAY.atStartOfDay(ZoneOffset.UTC).toInstant()).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(HubDay.DAY.atStartOfDay(ZoneOffset.UTC).toInstant()).build())
                .build();
        io.send(topics.name(Topics.FLIGHT_STATUS), unknownZone.getFlightKey(), unknownZone);
        BoardingPassIssued insecure = BoardingPassIssued.newBuilder().setEventId("bad-pass")
                .setEventTime(unknownZone.getEventTime()).setTravellerKey("P000000/1").setFlightKey("KL1000/" + HubDay.DAY + "/AMS")
                .setPassengerName("TESTER/ANNA").setDepartureAirport("AMS").setDepartureTimeZone("Europe/Amsterdam")
                .setScheduledDeparture(unknownZone.getEventTime()).setDocumentUrl("http://insecure.example.com/p.pdf")
                .setBarcodeData("M1").build();
        io.send(topics.name(Topics.BOARDING_PASS), insecure.getTravellerKey(), insecure);
        // Valid but absurd, on every input topic: a 1 MB string (the topics take records up to 2 MB here, so
        // it reaches the notifier) and a time in the year 9999. Each is dead-lettered once; the day flows on.
        // The flight event's dead letter does not copy its 1 MB value (DeadLetters.MAX_KEPT_VALUE_BYTES): a
        // dead letter too large to write would abort the transaction, whatever the production handler says.
        String key = "KL1000/" + HubDay.DAY + "/AMS";
        String oneMegabyte = "G".repeat(1_048_576);
        FlightStatusEvent absurd = FlightStatusEvent.newBuilder(unknownZone).setEventId("huge-gate").setFlightKey(key)
                .setCarrier("KL").setFlightNumber("1000")
                .setDeparture(FlightLegEnd.newBuilder(unknownZone.getDeparture()).setTimeZone("Europe/Amsterdam")
                        .setGate(oneMegabyte).build())
                .build();
        io.send(topics.name(Topics.FLIGHT_STATUS), key, absurd);
        io.send(topics.name(Topics.FLIGHT_STATUS), key, FlightStatusEvent.newBuilder(absurd).setEventId("year-9999")
                .setDeparture(FlightLegEnd.newBuilder(absurd.getDeparture()).setGate("D7")
                        .setEstimated(java.time.Instant.parse("9999-01-01T00:00:00Z")).build())
                .build());
        BoardingPassIssued pass = BoardingPassIssued.newBuilder(insecure).setTravellerKey("PZN001/1")
                .setDocumentUrl("https://passes.example.com/pzn.pdf").build();
        io.send(topics.name(Topics.BOARDING_PASS), "PZN001/1", BoardingPassIssued.newBuilder(pass).setEventId("huge-barcode")
                .setBarcodeData(oneMegabyte).build());
        io.send(topics.name(Topics.BOARDING_PASS), "PZN001/1", BoardingPassIssued.newBuilder(pass).setEventId("pass-9999")
                .setScheduledDeparture(java.time.Instant.parse("9999-01-01T00:00:00Z")).build());
        PassengerSegment segment = PassengerSegment.newBuilder().setTravellerKey("PZN001/1").setFlightKey(key)
                .setStatus(dev.appcare.avro.SegmentStatus.ACTIVE).setUpdatedAt(unknownZone.getEventTime()).build();
        io.send(topics.name(Topics.PASSENGER_SEGMENT), Keys.segmentKey("PZN001/1", key),
                PassengerSegment.newBuilder(segment).setGivenName(oneMegabyte).build());
        io.send(topics.name(Topics.PASSENGER_SEGMENT), Keys.segmentKey("PZN001/1", key),
                PassengerSegment.newBuilder(segment).setUpdatedAt(java.time.Instant.parse("9999-01-01T00:00:00Z")).build());
        dev.appcare.avro.TravellerPreference preference = dev.appcare.avro.TravellerPreference.newBuilder()
                .setTravellerKey("PZN002/1").setPhoneE164("+31699999998").setLocale("en")
                .setStatus(OptInStatus.OPTED_IN).setKinds(List.of(MessageKind.DELAY))
                .setConsent(new dev.appcare.avro.ConsentEvidence(unknownZone.getEventTime(), "booking-web", "v1"))
                .setUpdatedAt(unknownZone.getEventTime()).build();
        io.send(topics.name(Topics.TRAVELLER_PREFERENCE), "PZN002/1", dev.appcare.avro.TravellerPreference.newBuilder(preference)
                .setConsent(new dev.appcare.avro.ConsentEvidence(unknownZone.getEventTime(), oneMegabyte, "v1")).build());
        io.send(topics.name(Topics.TRAVELLER_PREFERENCE), "PZN002/1", dev.appcare.avro.TravellerPreference.newBuilder(preference)
                .setUpdatedAt(java.time.Instant.parse("9999-01-01T00:00:00Z")).build());
        return 13;
    }

    /**
     * Valid records about nobody of the day, each stamped in the year 2100, on every input topic: stream
     * time jumps, and the retention sweeps must not take the day's rosters and memory with it.
     */
    private static void sendFarFutureRecords(KafkaIo io, TopicNames topics) {
        java.time.Instant future = java.time.Instant.parse("2100-01-01T00:00:00Z");
        String flight = "KL9000/" + HubDay.DAY + "/AMS";
        java.time.Instant departure = HubDay.DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
        FlightStatusEvent event = FlightStatusEvent.newBuilder().setEventId("far-future").setStatus(FlightStatus.SCHEDULED)
                .setEventTime(departure.minusSeconds(3600)).setSequence(1).setFlightKey(flight).setCarrier("KL")
                .setFlightNumber("9000").setOriginDate(HubDay.DAY)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam").setScheduled(departure).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plusSeconds(3600)).build())
                .build();
        io.sendAt(topics.name(Topics.FLIGHT_STATUS), flight, event, future);
        io.sendAt(topics.name(Topics.PASSENGER_SEGMENT), Keys.segmentKey("FUTURE/1", flight), PassengerSegment.newBuilder()
                .setTravellerKey("FUTURE/1").setFlightKey(flight).setStatus(dev.appcare.avro.SegmentStatus.ACTIVE)
                .setUpdatedAt(departure.minusSeconds(86_400)).build(), future);
        io.sendAt(topics.name(Topics.TRAVELLER_PREFERENCE), "FUTURE/2", dev.appcare.avro.TravellerPreference.newBuilder()
                .setTravellerKey("FUTURE/2").setPhoneE164("+31699999999").setLocale("en")
                .setStatus(dev.appcare.avro.OptInStatus.OPTED_IN).setKinds(List.of())
                .setConsent(new dev.appcare.avro.ConsentEvidence(departure.minusSeconds(86_400), "booking-web", "v1"))
                .setUpdatedAt(departure.minusSeconds(86_400)).build(), future);
        io.sendAt(topics.name(Topics.BOARDING_PASS), "FUTURE/1", BoardingPassIssued.newBuilder().setEventId("far-future-pass")
                .setEventTime(departure.minusSeconds(7200)).setTravellerKey("FUTURE/1").setFlightKey(flight)
                .setPassengerName("FUTURE/ANNA").setDepartureAirport("AMS").setDepartureTimeZone("Europe/Amsterdam")
                .setScheduledDeparture(departure).setDocumentUrl("https://passes.example.com/future.pdf")
                .setBarcodeData("M1").build(), future);
    }
}
