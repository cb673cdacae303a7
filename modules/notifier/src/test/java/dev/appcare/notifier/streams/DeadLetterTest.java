package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.Keys;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.notifier.testing.NotifierDriver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rule N10: bad input goes to the dead-letter topic with reason and coordinates, and the rest flows on. */
class DeadLetterTest {
    private final NotifierDriver notifier = new NotifierDriver();

    @BeforeEach
    void board() {
        notifier.book(travellerKey(1), FLIGHT_KEY, "Jane");
        notifier.preference(optedIn(travellerKey(1), phone(1), "en", Fixtures.ALL_KINDS));
    }

    @AfterEach
    void close() {
        notifier.close();
    }

    @Test
    void shouldDeadLetterUndecodableFlightEventsWithTheirBytesAndCoordinatesAndGoOn() {
        TestInputTopic<String, byte[]> raw = notifier.raw("flight.status.v1");
        byte[] notWireFormat = "{\"flight\":\"KL1234\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchemaId = {0, 0, 0, 0x7f, 0x7f, 2, 4, 6};
        byte[] truncated = {0, 0, 0};
        raw.pipeInput(FLIGHT_KEY, notWireFormat, Instant.parse("2026-11-23T05:00:00Z"));
        raw.pipeInput(FLIGHT_KEY, unknownSchemaId);
        raw.pipeInput(FLIGHT_KEY, truncated);
        raw.pipeInput(FLIGHT_KEY, new byte[0]);

        notifier.flight(estimate(flight(1), 20));

        List<TestRecord<String, DeadLetter>> letters = notifier.takeDeadLetters();
        assertThat(letters).extracting(r -> r.value().getErrorType())
                .containsExactly("BAD_MAGIC_BYTE", "UNKNOWN_SCHEMA_ID", "TRUNCATED", "EMPTY");
        DeadLetter first = letters.get(0).value();
        assertThat(letters.get(0).key()).isEqualTo(FLIGHT_KEY);
        assertThat(first.getStage()).isEqualTo("notifier");
        assertThat(first.getSourceTopic()).isEqualTo("flight.status.v1");
        assertThat(first.getSourcePartition()).isZero();
        assertThat(first.getSourceOffset()).isZero();
        assertThat(first.getSourceTimestamp()).isEqualTo(Instant.parse("2026-11-23T05:00:00Z"));
        assertThat(first.getFailedAt()).isEqualTo(NotifierDriver.NOW);
        assertThat(bytes(first.getOriginalValue())).isEqualTo(notWireFormat);
        assertThat(bytes(first.getOriginalKey())).isEqualTo(FLIGHT_KEY.getBytes(StandardCharsets.UTF_8));
        assertThat(first.getReason()).contains("expected 0x00 (Confluent wire format)");
        assertThat(letters).extracting(r -> r.value().getSourceOffset()).containsExactly(0L, 1L, 2L, 3L);

        assertThat(notifier.takeRequests()).hasSize(1);
        assertThat(notifier.metrics.count("appcare.notifier.dead.letters", "topic", "flight.status.v1")).isEqualTo(4);
        assertThat(notifier.metrics.count("appcare.notifier.dead.letters", "error_type", "UNKNOWN_SCHEMA_ID")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterARecordOfAnotherTypeAsIncompatible() {
        TestInputTopic<String, PassengerSegment> wrongTopic = notifier.input("flight.status.v1",
                new StringSerializer(), serializer());
        wrongTopic.pipeInput(FLIGHT_KEY, Fixtures.segment(travellerKey(1), FLIGHT_KEY, "Jane"));

        assertThat(notifier.takeDeadLetters()).extracting(r -> r.value().getErrorType())
                .containsExactly("INCOMPATIBLE_SCHEMA");
    }

    @Test
    void shouldDeadLetterFlightEventsForUnknownFlightsAirportsAndTimeZones() {
        notifier.flights.pipeInput("not-a-flight-key", flight(1).build());
        notifier.flights.pipeInput("KL9999/2026-11-23/AMS", flight(2).build());
        notifier.flight(flight(3).setDeparture(leg("AM", "Europe/Amsterdam")));
        notifier.flight(flight(4).setDeparture(leg("AMS", "Mars/Olympus_Mons")));
        notifier.flight(flight(5).setDeparture(leg("AMS", "+01:00")));
        notifier.flight(flight(6).setArrival(leg("JFK", "America/Gotham")));
        notifier.flight(flight(7).setStatus(dev.appcare.avro.FlightStatus.DIVERTED));
        notifier.flights.pipeInput(FLIGHT_KEY, (FlightStatusEvent) null);

        assertThat(notifier.takeDeadLetters()).extracting(r -> r.value().getErrorType()).containsExactly(
                "UNKNOWN_FLIGHT", "UNKNOWN_FLIGHT", "UNKNOWN_AIRPORT", "UNKNOWN_TIME_ZONE", "UNKNOWN_TIME_ZONE",
                "UNKNOWN_TIME_ZONE", "MISSING_FIELD", "MISSING_VALUE");
        assertThat(notifier.takeRequests()).isEmpty();

        notifier.flight(estimate(flight(8), 20));
        assertThat(notifier.takeRequests()).hasSize(1);
    }

    @Test
    void shouldDeadLetterInvalidPreferencesAndKeepTheLastValidOne() {
        TravellerPreference badPhone = TravellerPreference.newBuilder(optedIn(travellerKey(1), "0612345678", "en",
                List.of(MessageKind.DELAY))).build();
        TravellerPreference badLocale = TravellerPreference.newBuilder(optedIn(travellerKey(1), phone(1), "english please",
                List.of(MessageKind.DELAY))).build();
        notifier.preference(badPhone);
        notifier.preference(badLocale);
        notifier.preferences.pipeInput("ABC123/1", optedIn(travellerKey(1), phone(1), "en", List.of()));
        notifier.preferences.pipeInput("not a traveller", null);
        notifier.preferences.pipeInput(Keys.COMPACTION_TICK, null); // erases nobody, is no bad input

        List<TestRecord<String, DeadLetter>> letters = notifier.takeDeadLetters();
        assertThat(letters).extracting(r -> r.value().getErrorType())
                .containsExactly("INVALID_PREFERENCE", "INVALID_PREFERENCE", "INVALID_KEY", "INVALID_KEY");
        // A preference holds a phone number: its dead letter keeps the key and coordinates, not the bytes.
        assertThat(letters).allSatisfy(r -> assertThat(r.value().getOriginalValue()).isNull());
        assertThat(bytes(letters.get(0).value().getOriginalKey())).isEqualTo(travellerKey(1).getBytes(StandardCharsets.UTF_8));

        notifier.flight(estimate(flight(1), 20));
        assertThat(notifier.takeRequestValues()).singleElement()
                .satisfies(r -> assertThat(r.getRecipient()).isEqualTo(phone(1)));
    }

    @Test
    void shouldDeadLetterSegmentsWithUnusableKeys() {
        notifier.segments.pipeInput("PNR001/1", Fixtures.segment(travellerKey(1), FLIGHT_KEY, "Jane"));
        notifier.segments.pipeInput("PNR002/1|KL1234/2026-11-23/AMS", Fixtures.segment(travellerKey(1), FLIGHT_KEY, "Jane"));
        notifier.segments.pipeInput("garbage", null);

        assertThat(notifier.takeDeadLetters()).extracting(r -> r.value().getErrorType())
                .containsExactly("INVALID_KEY", "INVALID_KEY", "INVALID_KEY");
    }

    @Test
    void shouldDeadLetterInvalidBoardingPasses() {
        notifier.boardingPass(Fixtures.boardingPass(travellerKey(1), 1).setDocumentUrl("http://insecure.example.com/p.pdf").build());
        notifier.boardingPass(Fixtures.boardingPass(travellerKey(1), 1).setDepartureTimeZone("CET+1").build());
        notifier.boardingPass(Fixtures.boardingPass(travellerKey(1), 1).setFlightKey("KL1234").build());
        notifier.boardingPasses.pipeInput("PNR999/9", Fixtures.boardingPass(travellerKey(1), 1).build());

        assertThat(notifier.takeDeadLetters()).extracting(r -> r.value().getErrorType())
                .containsExactly("INVALID_BOARDING_PASS", "UNKNOWN_TIME_ZONE", "UNKNOWN_FLIGHT", "INVALID_KEY");
        assertThat(notifier.takeRequests()).isEmpty();

        notifier.boardingPass(Fixtures.boardingPass(travellerKey(1), 1).build());
        assertThat(notifier.takeRequests()).hasSize(1);
    }

    private static FlightLegEnd leg(String airport, String zone) {
        return Fixtures.leg(airport, zone, Fixtures.SCHEDULED);
    }

    private <T extends org.apache.avro.specific.SpecificRecord> dev.appcare.model.serde.AvroSerializer<T> serializer() {
        dev.appcare.model.serde.AvroSerializer<T> serializer = new dev.appcare.model.serde.AvroSerializer<>();
        serializer.configure(java.util.Map.of("schema.registry.url", notifier.registryUrl()), false);
        return serializer;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return Arrays.copyOf(bytes, bytes.length);
    }
}
