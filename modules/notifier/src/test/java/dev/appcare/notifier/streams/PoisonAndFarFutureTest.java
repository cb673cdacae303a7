package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.gate;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.notifier.testing.NotifierDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records that could stop or mislead the notifier: a 1 MB string and a year-9999 time on each input topic
 * are dead-lettered while the rest flows on; a record whose timestamp lies far in the future cannot make
 * the retention sweep delete the state of live flights (stream time is capped by the wall clock).
 */
class PoisonAndFarFutureTest {
    private static final String OTHER_FLIGHT = "KL1235/2026-11-23/AMS";
    private static final String HUGE = "X".repeat(1024 * 1024);
    private static final Instant YEAR_9999 = Instant.parse("9999-01-01T00:00:00Z");
    private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");
    private final NotifierDriver notifier = new NotifierDriver();

    @AfterEach
    void close() {
        notifier.close();
    }

    private void board(int from, int count, String flightKey) {
        for (int i = from; i < from + count; i++) {
            notifier.book(travellerKey(i), flightKey, "Pax" + i);
            notifier.preference(optedIn(travellerKey(i), phone(i), "en", Fixtures.ALL_KINDS));
        }
    }

    private static FlightLegEnd.Builder departure() {
        return FlightLegEnd.newBuilder(flight(1).getDeparture());
    }

    @Test
    void shouldDeadLetterAHugeFieldAndAYear9999TimeOnEveryInputTopicWhileOtherFlightsStillCome() {
        board(0, 3, FLIGHT_KEY);
        board(10, 2, OTHER_FLIGHT);

        notifier.flight(gate(flight(1), HUGE));
        notifier.flight(flight(2).setDeparture(departure().setEstimated(YEAR_9999).build()));
        notifier.segments.pipeInput(Keys.segmentKey(travellerKey(3), FLIGHT_KEY),
                PassengerSegment.newBuilder(Fixtures.segment(travellerKey(3), FLIGHT_KEY, HUGE)).build(), Fixtures.SCHEDULED);
        notifier.segments.pipeInput(Keys.segmentKey(travellerKey(4), FLIGHT_KEY),
                PassengerSegment.newBuilder(Fixtures.segment(travellerKey(4), FLIGHT_KEY, "Ann")).setUpdatedAt(YEAR_9999).build(),
                Fixtures.SCHEDULED);
        TravellerPreference good = optedIn(travellerKey(5), phone(5), "en", Fixtures.ALL_KINDS);
        notifier.preferences.pipeInput(travellerKey(5), TravellerPreference.newBuilder(good)
                .setConsent(new ConsentEvidence(good.getConsent().getGivenAt(), HUGE, "v1")).build(), Fixtures.SCHEDULED);
        notifier.preferences.pipeInput(travellerKey(6), TravellerPreference.newBuilder(
                optedIn(travellerKey(6), phone(6), "en", Fixtures.ALL_KINDS)).setUpdatedAt(YEAR_9999).build(), Fixtures.SCHEDULED);
        notifier.boardingPass(Fixtures.boardingPass(travellerKey(0), 1).setBarcodeData(HUGE).build());
        notifier.boardingPass(Fixtures.boardingPass(travellerKey(1), 1).setScheduledDeparture(YEAR_9999).build());

        List<TestRecord<String, DeadLetter>> letters = notifier.takeDeadLetters();
        assertThat(letters).extracting(r -> r.value().getErrorType()).containsExactly(
                "FIELD_TOO_LONG", "IMPLAUSIBLE_TIME", "FIELD_TOO_LONG", "IMPLAUSIBLE_TIME",
                "FIELD_TOO_LONG", "IMPLAUSIBLE_TIME", "FIELD_TOO_LONG", "IMPLAUSIBLE_TIME");
        assertThat(letters).extracting(r -> r.value().getSourceTopic()).containsExactly(
                notifier.topics.name(Topics.FLIGHT_STATUS), notifier.topics.name(Topics.FLIGHT_STATUS),
                notifier.topics.name(Topics.PASSENGER_SEGMENT), notifier.topics.name(Topics.PASSENGER_SEGMENT),
                notifier.topics.name(Topics.TRAVELLER_PREFERENCE), notifier.topics.name(Topics.TRAVELLER_PREFERENCE),
                notifier.topics.name(Topics.BOARDING_PASS), notifier.topics.name(Topics.BOARDING_PASS));
        assertThat(letters.get(0).value().getReason()).contains("departure.gate is 1048576 characters long");
        assertThat(letters.get(1).value().getReason()).contains("departure.estimated 9999-01-01T00:00:00Z");
        assertThat(notifier.takeRequests()).as("nothing sent for the bad records").isEmpty();

        // The same flight and another flight still flow.
        notifier.flight(estimate(flight(3), 20));
        notifier.flight(estimate(flight(OTHER_FLIGHT, 1), 20));
        notifier.boardingPass(Fixtures.boardingPass(travellerKey(2), 1).build());

        List<WhatsAppRequest> requests = notifier.takeRequestValues();
        assertThat(requests).filteredOn(r -> r.getKind() == MessageKind.DELAY)
                .extracting(r -> r.getCorrelation().getFlightKey())
                .containsExactlyInAnyOrder(FLIGHT_KEY, FLIGHT_KEY, FLIGHT_KEY, OTHER_FLIGHT, OTHER_FLIGHT);
        assertThat(requests).filteredOn(r -> r.getKind() == MessageKind.BOARDING_PASS)
                .extracting(WhatsAppRequest::getRecipient).containsExactly(phone(2));
        assertThat(notifier.takeDeadLetters()).isEmpty();
    }

    @Test
    void shouldKeepLiveFlightsWhenARecordWithAFarFutureTimestampArrivesOnEveryInputTopic() {
        board(0, 3, FLIGHT_KEY);
        notifier.flight(estimate(flight(1), 20));
        assertThat(notifier.takeRequests()).hasSize(3);

        // Valid records about someone else, stamped 2100 (a producer with a broken clock, a backfill).
        notifier.flights.pipeInput(OTHER_FLIGHT, flight(OTHER_FLIGHT, 1).build(), FAR_FUTURE);
        notifier.segments.pipeInput(Keys.segmentKey(travellerKey(20), OTHER_FLIGHT),
                Fixtures.segment(travellerKey(20), OTHER_FLIGHT, "Zed"), FAR_FUTURE);
        notifier.preferences.pipeInput(travellerKey(20), optedIn(travellerKey(20), phone(20), "en", Fixtures.ALL_KINDS),
                FAR_FUTURE);
        BoardingPassIssued otherPass = Fixtures.boardingPass(travellerKey(20), 1).setFlightKey(OTHER_FLIGHT).build();
        notifier.boardingPasses.pipeInput(travellerKey(20), otherPass, FAR_FUTURE);
        // Stream time is now 2100 on every task: each retention sweep has run. The wall clock moves on a bit.
        notifier.driver.advanceWallClockTime(Duration.ofHours(2));

        notifier.flight(estimate(flight(2), 45)); // 25 min later than they were told: material

        List<WhatsAppRequest> requests = notifier.takeRequestValues().stream()
                .filter(r -> r.getCorrelation().getFlightKey().equals(FLIGHT_KEY)).toList();
        assertThat(requests).as("the roster and what each passenger was told survived").hasSize(3)
                .allSatisfy(r -> assertThat(r.getKind()).isEqualTo(MessageKind.DELAY))
                .extracting(WhatsAppRequest::getRecipient).containsExactlyInAnyOrder(phone(0), phone(1), phone(2));
        assertThat(requests).extracting(r -> r.getParameters().get(3).getValue()).containsOnly("10:45");
    }
}
