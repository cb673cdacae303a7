package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerNotice;
import dev.appcare.notifier.rules.FlightViews;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.notifier.testing.NotifierDriver;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handlers behind the decoders: a record of the notifier's own internal topics that cannot be read,
 * or one a processor throws on (a bug), is dead-lettered and processing goes on.
 *
 * <p>What the handler writes is checked in {@code DeadLetterProcessingExceptionHandlerTest} and, on a real
 * broker, in {@code NotifierEndToEndIT}: TopologyTestDriver's mock producer has an empty cluster and drops a
 * handler's dead letter (Kafka Streams sends those without a partition and lets the producer pick one), so
 * here the handler's counter and the records after the bad one are what can be checked.
 */
class InternalRecordsTest {
    private static final String NOTICES = "notifier-test-" + NotifierTopology.PASSENGER_NOTICES + "-repartition";
    private final NotifierDriver notifier = new NotifierDriver();

    @AfterEach
    void close() {
        notifier.close();
    }

    @Test
    void shouldDeadLetterAnUnreadableInternalRecordAndGoOn() {
        board();
        TestInputTopic<String, byte[]> notices = notifier.input(NOTICES, new StringSerializer(),
                new ByteArraySerializer());
        notices.pipeInput(travellerKey(1), new byte[] {1, 2, 3});

        notifier.flight(estimate(flight(1), 20));

        assertThat(notifier.metrics.count("appcare.notifier.dead.letters", "topic", NOTICES,
                "error_type", "UNREADABLE_INTERNAL_RECORD")).isEqualTo(1);
        assertThat(notifier.takeRequests()).hasSize(1);
    }

    @Test
    void shouldDeadLetterARecordAProcessorFailsOnAndGoOn() {
        board();
        TestInputTopic<String, PassengerNotice> notices = notifier.input(NOTICES, new StringSerializer(),
                InternalSerde.of(PassengerNotice.getEncoder(), PassengerNotice.getDecoder()).serializer());
        FlightView poison = FlightView.newBuilder(FlightViews.of(estimate(flight(1), 30).build()))
                .setDepartureTimeZone("Nowhere/Atlantis").build();
        notices.pipeInput(travellerKey(1), new PassengerNotice(travellerKey(1), "Jane", null, poison));

        notifier.flight(estimate(flight(2), 20));

        assertThat(notifier.metrics.count("appcare.notifier.dead.letters", "topic", NOTICES,
                "error_type", "PROCESSING_ERROR")).isEqualTo(1);
        assertThat(notifier.takeRequests()).hasSize(1);
    }

    private void board() {
        notifier.book(travellerKey(1), FLIGHT_KEY, "Jane");
        notifier.preference(optedIn(travellerKey(1), phone(1), "en", Fixtures.ALL_KINDS));
    }
}
