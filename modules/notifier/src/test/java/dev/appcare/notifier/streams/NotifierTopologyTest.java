package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.SCHEDULED;
import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.gate;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.optedOut;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.notifier.testing.NotifierDriver;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fan-out and the rules that decide who hears what (N1-N5), through the whole topology. */
class NotifierTopologyTest {
    private static final int SEATS = 450;
    private final NotifierDriver notifier = new NotifierDriver();

    @AfterEach
    void close() {
        notifier.close();
    }

    /**
     * 450 passengers: 30% opted in to delays (135), 10% opted in to gate changes only, 10% opted out
     * (with delays among their kinds), the rest never opted in.
     */
    private Set<String> board450() {
        Set<String> expectedRecipients = new HashSet<>();
        for (int i = 0; i < SEATS; i++) {
            String traveller = travellerKey(i);
            notifier.book(traveller, FLIGHT_KEY, "Pax" + i);
            switch (i % 10) {
                case 0, 1, 2 -> {
                    notifier.preference(optedIn(traveller, phone(i), "en", List.of(MessageKind.DELAY)));
                    expectedRecipients.add(phone(i));
                }
                case 3 -> notifier.preference(optedIn(traveller, phone(i), "nl", List.of(MessageKind.GATE_CHANGE)));
                case 4 -> notifier.preference(optedOut(optedIn(traveller, phone(i), "fr", List.of(MessageKind.DELAY))));
                default -> {
                    // never opted in
                }
            }
        }
        return expectedRecipients;
    }

    @Test
    void shouldSendExactlyOneRequestPerOptedInPassengerOfA450SeatFlight() {
        Set<String> expected = board450();

        notifier.flight(estimate(flight(1), 20));

        List<TestRecord<String, WhatsAppRequest>> requests = notifier.takeRequests();
        assertThat(requests).hasSize(135);
        assertThat(requests).extracting(r -> r.value().getMessageId()).doesNotHaveDuplicates();
        assertThat(requests).extracting(TestRecord::key).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.value().getRecipient()).isEqualTo(r.key());
            assertThat(r.value().getKind()).isEqualTo(MessageKind.DELAY);
            assertThat(r.value().getMessageId()).isEqualTo(MessageIds.derive(MessageKind.DELAY, FLIGHT_KEY + "#1",
                    r.value().getCorrelation().getTravellerKey()));
        });
        assertThat(notifier.metrics.count("appcare.notifier.requests", "kind", "DELAY")).isEqualTo(135);
    }

    @Test
    void shouldSendNothingMoreWhenTheSameEventIsRepublished() {
        board450();
        notifier.flight(estimate(flight(1), 20));
        assertThat(notifier.takeRequests()).hasSize(135);

        notifier.flight(estimate(flight(1), 20));
        notifier.flight(estimate(flight(1), 20).setEventId("republished-with-a-new-id"));

        assertThat(notifier.takeRequests()).isEmpty();
        assertThat(notifier.metrics.count("appcare.notifier.stale.events")).isEqualTo(2);
    }

    @Test
    void shouldIgnoreAFiveMinuteMoveAndSendATwentyMinuteMove() {
        board450();
        notifier.flight(flight(1));
        assertThat(notifier.takeRequests()).isEmpty();

        notifier.flight(estimate(flight(2), 5));
        assertThat(notifier.takeRequests()).isEmpty();

        notifier.flight(estimate(flight(3), 20));
        List<WhatsAppRequest> requests = notifier.takeRequestValues();
        assertThat(requests).hasSize(135).allSatisfy(r -> {
            assertThat(r.getKind()).isEqualTo(MessageKind.DELAY);
            assertThat(r.getParameters()).extracting(TemplateParameter::getValue)
                    .containsExactly(r.getParameters().get(0).getValue(), "KL1234", "AMS", "10:20", "10:00");
        });
        assertThat(requests).extracting(r -> r.getRecipient()).doesNotHaveDuplicates();
    }

    @Test
    void shouldNotSendAFlappingEstimate() {
        book(1, "en", List.of(MessageKind.DELAY));
        notifier.flight(estimate(flight(1), 20));
        assertThat(notifier.takeRequests()).hasSize(1);

        notifier.flight(estimate(flight(2), 30)); // 10 from what they were told
        notifier.flight(estimate(flight(3), 20));
        notifier.flight(estimate(flight(4), 30));
        assertThat(notifier.takeRequests()).isEmpty();

        notifier.flight(estimate(flight(5), 35)); // 15 from the 20 they were told
        assertThat(notifier.takeRequestValues()).singleElement()
                .satisfies(r -> assertThat(r.getParameters().get(3).getValue()).isEqualTo("10:35"));
    }

    @Test
    void shouldIgnoreAStaleEventAfterDeparted() {
        book(1, "en", Fixtures.ALL_KINDS);
        notifier.flight(gate(flight(5), "D7").setStatus(FlightStatus.DEPARTED));
        notifier.takeRequests();

        notifier.flight(gate(flight(4), "D7").setStatus(FlightStatus.BOARDING));
        notifier.flight(gate(flight(3), "D9"));

        assertThat(notifier.takeRequests()).isEmpty();
        assertThat(notifier.metrics.count("appcare.notifier.stale.events")).isEqualTo(2);
    }

    @Test
    void shouldIgnoreAnEventObservedBeforeTheAppliedOneEvenWithAHigherSequence() {
        book(1, "en", Fixtures.ALL_KINDS);
        notifier.flight(flight(5).setStatus(FlightStatus.DEPARTED));
        notifier.flight(gate(flight(6), "D7").setStatus(FlightStatus.BOARDING)
                .setEventTime(flight(5).getEventTime().minusSeconds(60)));

        assertThat(notifier.takeRequests()).isEmpty();
    }

    @Test
    void shouldExcludeATravellerWhoOptedOutBeforeTheEvent() {
        board450();
        notifier.preference(optedOut(optedIn(travellerKey(0), phone(0), "en", List.of(MessageKind.DELAY))));

        notifier.flight(estimate(flight(1), 20));

        List<TestRecord<String, WhatsAppRequest>> requests = notifier.takeRequests();
        assertThat(requests).hasSize(134).extracting(TestRecord::key).doesNotContain(phone(0));
    }

    @Test
    void shouldExcludeAPassengerWhoseBookingWasCancelledBeforeTheEvent() {
        board450();
        PassengerSegment cancelled = PassengerSegment.newBuilder(Fixtures.segment(travellerKey(0), FLIGHT_KEY, "Pax0"))
                .setStatus(SegmentStatus.CANCELLED).build();
        notifier.segments.pipeInput(Keys.segmentKey(travellerKey(0), FLIGHT_KEY), cancelled);
        notifier.segments.pipeInput(Keys.segmentKey(travellerKey(1), FLIGHT_KEY), null); // removed from the booking

        notifier.flight(estimate(flight(1), 20));

        assertThat(notifier.takeRequests()).hasSize(133).extracting(TestRecord::key).doesNotContain(phone(0), phone(1));
    }

    @Test
    void shouldNotSendFlightMessagesBecauseOfBookingOrPreferenceChanges() {
        notifier.flight(estimate(gate(flight(1), "D7"), 45));
        assertThat(notifier.takeRequests()).isEmpty(); // nobody on board yet

        book(1, "en", Fixtures.ALL_KINDS);
        notifier.preference(optedIn(travellerKey(1), phone(1), "nl", Fixtures.ALL_KINDS));
        notifier.book(travellerKey(1), FLIGHT_KEY, "Changed name");

        assertThat(notifier.takeRequests()).isEmpty();
    }

    @Test
    void shouldTellALateJoinerTheCurrentStateAtTheNextChangeOfTheFlight() {
        notifier.flight(estimate(flight(1), 45));
        book(1, "en", Fixtures.ALL_KINDS);

        notifier.flight(gate(estimate(flight(2), 45), "D7"));

        assertThat(notifier.takeRequestValues()).extracting(WhatsAppRequest::getKind)
                .containsExactly(MessageKind.DELAY, MessageKind.GATE_CHANGE);
    }

    @Test
    void shouldSendOnlyTheKindsATravellerOptedInTo() {
        book(1, "en", List.of(MessageKind.GATE_CHANGE));
        notifier.flight(gate(estimate(flight(1), 45), "D7"));

        assertThat(notifier.takeRequestValues()).extracting(WhatsAppRequest::getKind).containsExactly(MessageKind.GATE_CHANGE);
    }

    @Test
    void shouldStopSendingAndForgetTheTravellerAfterAnErasure() {
        book(1, "en", Fixtures.ALL_KINDS);
        notifier.flight(gate(flight(1), "D7"));
        assertThat(notifier.takeRequests()).hasSize(1);

        notifier.preferences.pipeInput(travellerKey(1), null);
        notifier.flight(gate(flight(2), "D8"));

        assertThat(notifier.takeRequests()).isEmpty();
        assertThat(storeKeys(NotifierTopology.PASSENGER_MEMORY_STORE)).isEmpty();
        assertThat(storeKeys(NotifierTopology.PREFERENCES_STORE)).isEmpty();
    }

    @Test
    void shouldKeepPhoneNumbersOutOfEveryStoreButThePreferenceTable() {
        board450();
        notifier.flight(gate(estimate(flight(1), 20), "D7"));
        notifier.boardingPass(Fixtures.boardingPass(travellerKey(0), 1).build());
        assertThat(notifier.takeRequests()).isNotEmpty();

        for (String store : List.of(NotifierTopology.FLIGHT_STATE_STORE, NotifierTopology.FLIGHT_ROSTER_STORE,
                NotifierTopology.PASSENGER_MEMORY_STORE)) {
            Set<String> entries = storeEntries(store);
            assertThat(entries).as(store).isNotEmpty();
            assertThat(entries).as(store).noneMatch(entry -> entry.contains("+3161"));
        }
        assertThat(storeEntries(NotifierTopology.PREFERENCES_STORE)).anyMatch(entry -> entry.contains(phone(0)));
    }

    @Test
    void shouldForgetFlightsThatLeftLongerAgoThanTheRetention() {
        book(1, "en", Fixtures.ALL_KINDS);
        notifier.flight(gate(flight(1), "D7"));
        assertThat(notifier.takeRequests()).hasSize(1);
        assertThat(storeKeys(NotifierTopology.PASSENGER_MEMORY_STORE)).hasSize(1);

        Instant weekLater = SCHEDULED.plus(java.time.Duration.ofDays(7));
        // A week passes (the sweeps go by stream time capped by the wall clock: both must move).
        notifier.driver.advanceWallClockTime(java.time.Duration.ofDays(7));
        String nextWeek = "KL1234/2026-11-30/AMS";
        notifier.book(travellerKey(1), nextWeek, "Jane");
        notifier.flight(flight(nextWeek, 1).setEventTime(weekLater).build());
        notifier.preferences.pipeInput(travellerKey(1), optedIn(travellerKey(1), phone(1), "en", Fixtures.ALL_KINDS), weekLater);

        assertThat(storeKeys(NotifierTopology.FLIGHT_STATE_STORE)).containsExactly(nextWeek);
        assertThat(storeKeys(NotifierTopology.FLIGHT_ROSTER_STORE)).containsExactly(nextWeek + "|" + travellerKey(1));
        assertThat(storeKeys(NotifierTopology.PASSENGER_MEMORY_STORE)).isEmpty();
    }

    private void book(int i, String locale, List<MessageKind> kinds) {
        notifier.book(travellerKey(i), FLIGHT_KEY, "Jane");
        notifier.preference(optedIn(travellerKey(i), phone(i), locale, kinds));
    }

    private Set<String> storeKeys(String store) {
        Set<String> keys = new HashSet<>();
        try (var all = notifier.driver.<String, Object>getKeyValueStore(store).all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private Set<String> storeEntries(String store) {
        try (var all = notifier.driver.<String, Object>getKeyValueStore(store).all()) {
            Set<String> entries = new HashSet<>();
            all.forEachRemaining(entry -> entries.add(entry.key + "=" + entry.value));
            return entries.stream().collect(Collectors.toSet());
        }
    }
}
