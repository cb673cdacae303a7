package dev.appcare.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
import dev.appcare.model.registry.InMemorySchemaRegistryClient;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.Keys;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.rules.CheckInReminder;
import dev.appcare.notifier.rules.MessageBudget;
import dev.appcare.notifier.streams.NotifierTopology;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.StreamsRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roster variant sends exactly the requests the production design sends (what scripts/bench checks by
 * count per wave, here request by request): the same bookings, preferences and flight events go into both
 * topologies, each in its own {@link TopologyTestDriver}. Both run with the benchmark's settings (message
 * budget unlimited, check-in reminder not yet due), the two rules the variant does not have.
 */
class RosterVariantEquivalenceTest {
    private static final Instant NOW = Instant.parse("2026-11-23T05:00:00Z");
    private static final String FLIGHT = "KL1234/2026-11-23/AMS";
    private static final Instant SCHEDULED = Instant.parse("2026-11-23T09:00:00Z");
    private static final List<MessageKind> ALL = List.of(MessageKind.DELAY, MessageKind.CANCELLATION,
            MessageKind.GATE_CHANGE, MessageKind.BOARDING, MessageKind.DIVERSION, MessageKind.BOARDING_PASS);

    private final String scope = "roster-variant-test-" + UUID.randomUUID();
    private final NotifierConfig config = NotifierConfig.defaults("mock://" + scope)
            .withBudget(MessageBudget.UNLIMITED)
            .withCheckIn(new CheckInReminder(Duration.ofHours(1), Duration.ofMinutes(1)))
            .withPartitions(6, 6)
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    @TempDir
    Path stateDirs;
    private Driver production;
    private Driver variant;

    @AfterEach
    void close() {
        production.driver.close();
        variant.driver.close();
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Test
    void shouldSendTheProductionDesignsRequestsWaveByWave() {
        production = new Driver(NotifierTopology.build(config), stateDirs.resolve("production"));
        variant = new Driver(RosterVariantTopology.build(config), stateDirs.resolve("variant"));
        for (Driver design : List.of(production, variant)) {
            design.book("PNR001/1", "Anna");
            design.prefer(optedIn("PNR001/1", "+31610000001", "nl", ALL));
            design.book("PNR002/1", "Bert");
            design.prefer(optedIn("PNR002/1", "+31610000002", "en", List.of(MessageKind.DELAY)));
            design.prefer(optedIn("PNR008/1", "+31610000008", "en_GB", ALL)); // opted in before booking
            design.book("PNR008/1", "Hana");
            design.book("PNR003/1", "Cor");
            design.prefer(optedIn("PNR003/1", "+31610000003", "nl", ALL));
            design.prefer(optedOut(optedIn("PNR003/1", "+31610000003", "nl", ALL)));
            design.book("PNR004/1", "Dirk"); // no preference
            design.book("PNR005/1", "Eva");
            design.prefer(TravellerPreference.newBuilder(optedIn("PNR005/1", "+31610000005", "nl", ALL))
                    .setValidUntil(SCHEDULED.minus(Duration.ofDays(30))).build()); // an earlier booking's
            design.book("PNR007/1", "Gijs");
            design.prefer(optedIn("PNR007/1", "+31610000007", "nl", ALL));
            design.cancel("PNR007/1", "Gijs");
            design.prefer(optedIn("PNR009/1", "+31610000009", "nl", ALL)); // never booked
        }
        String anna = "+31610000001";
        String bert = "+31610000002";
        String hana = "+31610000008";

        assertThat(wave(event(1, FlightStatus.SCHEDULED, 0, null))).isEmpty(); // first seen, on schedule
        assertThat(wave(event(2, FlightStatus.DELAYED, 45, null))).extracting(WhatsAppRequest::getKind, WhatsAppRequest::getRecipient)
                .containsExactly(tuple(MessageKind.DELAY, anna), tuple(MessageKind.DELAY, bert), tuple(MessageKind.DELAY, hana));
        assertThat(wave(event(3, FlightStatus.DELAYED, 45, "D7"))).extracting(WhatsAppRequest::getKind, WhatsAppRequest::getRecipient)
                .containsExactly(tuple(MessageKind.GATE_CHANGE, anna), tuple(MessageKind.GATE_CHANGE, hana));
        assertThat(wave(event(2, FlightStatus.DELAYED, 45, null))).isEmpty(); // stale
        List<WhatsAppRequest> backOnTime = wave(event(4, FlightStatus.SCHEDULED, 0, "D7"));
        assertThat(backOnTime).extracting(WhatsAppRequest::getKind, WhatsAppRequest::getRecipient)
                .containsExactly(tuple(MessageKind.BACK_ON_TIME, anna), tuple(MessageKind.BACK_ON_TIME, bert),
                        tuple(MessageKind.BACK_ON_TIME, hana));
        assertThat(backOnTime).allSatisfy(request -> assertThat(request.getSupersedes()).isNotNull());
        assertThat(wave(event(5, FlightStatus.CANCELLED, 0, "D7"))).extracting(WhatsAppRequest::getKind, WhatsAppRequest::getRecipient)
                .containsExactly(tuple(MessageKind.CANCELLATION, anna), tuple(MessageKind.CANCELLATION, hana));
    }

    /**
     * One flight event into both designs: the production design's requests, once the variant is shown to have
     * sent the same ones (keys and values; by recipient and kind, since the designs emit a wave in another order).
     */
    private List<WhatsAppRequest> wave(FlightStatusEvent event) {
        production.flights.pipeInput(event.getFlightKey(), event, event.getEventTime());
        variant.flights.pipeInput(event.getFlightKey(), event, event.getEventTime());
        Comparator<KeyValue<String, WhatsAppRequest>> order = Comparator.comparing(
                (KeyValue<String, WhatsAppRequest> request) -> request.value.getRecipient())
                .thenComparing(request -> request.value.getKind());
        List<KeyValue<String, WhatsAppRequest>> expected = production.requests.readKeyValuesToList().stream().sorted(order).toList();
        assertThat(variant.requests.readKeyValuesToList().stream().sorted(order).toList())
                .as("the variant's requests for %s", event.getEventId()).isEqualTo(expected);
        return expected.stream().map(request -> request.value).toList();
    }

    private static FlightStatusEvent event(long sequence, FlightStatus status, long minutesLate, String gate) {
        FlightLegEnd.Builder departure = FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                .setScheduled(SCHEDULED).setGate(gate);
        if (minutesLate != 0) {
            departure.setEstimated(SCHEDULED.plus(Duration.ofMinutes(minutesLate)));
        }
        return FlightStatusEvent.newBuilder()
                .setEventId(FLIGHT + "#" + sequence)
                .setEventTime(NOW.plus(Duration.ofMinutes(sequence)))
                .setSequence(sequence)
                .setFlightKey(FLIGHT)
                .setCarrier("KL")
                .setFlightNumber("1234")
                .setOriginDate(LocalDate.parse("2026-11-23"))
                .setDeparture(departure.build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("JFK").setTimeZone("America/New_York")
                        .setScheduled(Instant.parse("2026-11-23T17:00:00Z")).build())
                .setStatus(status)
                .setSource("test")
                .build();
    }

    private static TravellerPreference optedIn(String traveller, String phone, String locale, List<MessageKind> kinds) {
        Instant consented = Instant.parse("2026-10-01T00:00:00Z");
        return TravellerPreference.newBuilder().setTravellerKey(traveller).setPhoneE164(phone).setLocale(locale)
                .setStatus(OptInStatus.OPTED_IN).setKinds(kinds)
                .setConsent(new ConsentEvidence(consented, "booking-web", "v1")).setUpdatedAt(consented).build();
    }

    private static TravellerPreference optedOut(TravellerPreference preference) {
        Instant at = Instant.parse("2026-11-01T00:00:00Z");
        return TravellerPreference.newBuilder(preference).setStatus(OptInStatus.OPTED_OUT).setOptedOutAt(at)
                .setOptOutSource("api").setUpdatedAt(at).build();
    }

    /** One design in its own driver, with typed input and output topics on the shared in-memory registry. */
    private final class Driver {
        final TopologyTestDriver driver;
        final TestInputTopic<String, FlightStatusEvent> flights;
        final TestInputTopic<String, PassengerSegment> segments;
        final TestInputTopic<String, TravellerPreference> preferences;
        final TestOutputTopic<String, WhatsAppRequest> requests;

        Driver(Topology topology, Path stateDir) {
            // The notifier's production Streams settings, pointed at no broker and at this driver's state directory.
            Properties properties = NotifierApp.streamsProperties(AppConfig.of(Map.of(
                    "kafka.bootstrap.servers", "unused:9092",
                    StreamsRuntime.applicationIdKey(NotifierApp.ROLE), "roster-variant-test",
                    StreamsRuntime.stateDirKey(NotifierApp.ROLE), stateDir.toString())), config, 0);
            driver = new TopologyTestDriver(topology, properties, NOW);
            flights = input(Topics.FLIGHT_STATUS);
            segments = input(Topics.PASSENGER_SEGMENT);
            preferences = input(Topics.TRAVELLER_PREFERENCE);
            AvroDeserializer<WhatsAppRequest> values = new AvroDeserializer<>(WhatsAppRequest.class);
            values.configure(config.serdeConfig(), false);
            requests = driver.createOutputTopic(config.topics().name(Topics.WHATSAPP_REQUEST), new StringDeserializer(), values);
        }

        private <T extends SpecificRecord> TestInputTopic<String, T> input(TopicSpec<?> topic) {
            AvroSerializer<T> values = new AvroSerializer<>();
            values.configure(config.serdeConfig(), false);
            return driver.createInputTopic(config.topics().name(topic), new StringSerializer(), values, NOW, Duration.ZERO);
        }

        void book(String traveller, String givenName) {
            segments.pipeInput(Keys.segmentKey(traveller, FLIGHT), segment(traveller, givenName, SegmentStatus.ACTIVE));
        }

        void cancel(String traveller, String givenName) {
            segments.pipeInput(Keys.segmentKey(traveller, FLIGHT), segment(traveller, givenName, SegmentStatus.CANCELLED));
        }

        void prefer(TravellerPreference preference) {
            preferences.pipeInput(preference.getTravellerKey(), preference);
        }

        private static PassengerSegment segment(String traveller, String givenName, SegmentStatus status) {
            return PassengerSegment.newBuilder().setTravellerKey(traveller).setFlightKey(FLIGHT).setStatus(status)
                    .setGivenName(givenName).setFamilyName("Doe").setCabin("Y")
                    .setUpdatedAt(Instant.parse("2026-10-01T00:00:00Z")).build();
        }
    }
}
