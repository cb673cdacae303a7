package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.boardingPass;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.leg;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.segment;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static dev.appcare.notifier.testing.NotifierDriver.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.notifier.rules.CheckInReminder;
import dev.appcare.notifier.testing.NotifierDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The check-in reminder (N13) through the whole topology, with the production default lead (30 h): the
 * flight departs 45 h after the driver's wall clock, so check-in opens 15 h in; the wall clock is advanced
 * past it and {@code checkin_open} goes once to the opted-in passenger without a boarding pass, to nobody
 * else; a cancelled flight or an erasure before the opening stops it; every step is in the decision log.
 */
class CheckInReminderTopologyTest {
    private static final String FLIGHT = "KL1234/2026-11-25/AMS";
    /** 10:00 in Amsterdam on 25 November: 45 h after NOW. */
    private static final Instant DEPARTURE = Instant.parse("2026-11-25T09:00:00Z");
    private static final Instant OPENS = DEPARTURE.minus(Duration.ofHours(30));
    private static final String ANNE = travellerKey(1);
    private static final String BOB = travellerKey(2);
    private static final String CARL = travellerKey(3);
    private static final String DORA = travellerKey(4);
    private final NotifierDriver notifier = new NotifierDriver(c -> c.withCheckIn(CheckInReminder.DEFAULT));

    @AfterEach
    void close() {
        notifier.close();
    }

    /** Event {@code sequence} of the flight, observed {@code minutes} after the driver's wall clock starts. */
    private static FlightStatusEvent.Builder event(long sequence, long minutes) {
        return flight(FLIGHT, sequence).setEventTime(NOW.plus(Duration.ofMinutes(minutes)))
                .setDeparture(leg("AMS", "Europe/Amsterdam", DEPARTURE))
                .setArrival(leg("JFK", "America/New_York", DEPARTURE.plus(Duration.ofHours(8))));
    }

    private void optIn(String traveller, int phone, MessageKind... kinds) {
        notifier.book(traveller, FLIGHT, traveller.substring(0, 6));
        notifier.preference(optedIn(traveller, phone(phone), "en", List.of(kinds)));
    }

    private List<NotifierDecision> checkInDecisions() {
        return notifier.takeDecisions().stream().map(TestRecord::value)
                .filter(d -> d.getKind() == MessageKind.CHECKIN_OPEN).toList();
    }

    private static String line(NotifierDecision d) {
        return d.getOutcome() + " " + d.getReason() + " " + d.getTravellerKey() + " " + d.getMessageId();
    }

    @Test
    void shouldRemindTheOptedInPassengerWithoutABoardingPassOnceWhenCheckInOpens() {
        optIn(ANNE, 1, MessageKind.BOARDING_PASS);
        optIn(BOB, 2, MessageKind.BOARDING_PASS);
        optIn(CARL, 3, MessageKind.DELAY);
        optIn(DORA, 4, MessageKind.BOARDING_PASS);
        notifier.flight(event(1, 1));
        assertThat(checkInDecisions()).extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getDetail())
                .containsExactly("HELD_BACK CHECKIN_SCHEDULED check-in opens " + OPENS);
        // Bob checked in early (a pass was issued to him), Dora cancelled her booking.
        notifier.boardingPass(boardingPass(BOB, 1).setFlightKey(FLIGHT).setScheduledDeparture(DEPARTURE)
                .setEventTime(NOW.plus(Duration.ofHours(1))).build());
        notifier.segments.pipeInput(Keys.segmentKey(DORA, FLIGHT), dev.appcare.avro.PassengerSegment.newBuilder(
                segment(DORA, FLIGHT, "Dora")).setStatus(SegmentStatus.CANCELLED).build(), NOW.plus(Duration.ofHours(2)));
        assertThat(notifier.takeRequestValues()).extracting(WhatsAppRequest::getKind).containsExactly(MessageKind.BOARDING_PASS);
        notifier.takeDecisions();

        notifier.driver.advanceWallClockTime(Duration.ofHours(14).plusMinutes(59));
        assertThat(notifier.takeRequestValues()).as("check-in is not open yet").isEmpty();

        notifier.driver.advanceWallClockTime(Duration.ofMinutes(2));
        List<TestRecord<String, WhatsAppRequest>> requests = notifier.takeRequests();
        String id = CheckInReminder.messageId(FLIGHT, ANNE);
        assertThat(requests).hasSize(1);
        WhatsAppRequest reminder = requests.get(0).value();
        assertThat(requests.get(0).key()).isEqualTo(phone(1));
        assertThat(requests.get(0).headers().toArray()).as("the internal marker stays internal").isEmpty();
        assertThat(reminder.getMessageId()).isEqualTo(id);
        assertThat(reminder.getKind()).isEqualTo(MessageKind.CHECKIN_OPEN);
        assertThat(reminder.getTemplateName()).isEqualTo("checkin_open");
        assertThat(reminder.getLanguage()).isEqualTo("en");
        assertThat(reminder.getParameters()).extracting(TemplateParameter::getValue)
                .containsExactly("PNR001", "KL1234", "AMS", "10:00");
        assertThat(reminder.getExpiresAt()).isEqualTo(DEPARTURE);
        List<NotifierDecision> decisions = checkInDecisions();
        assertThat(decisions).extracting(CheckInReminderTopologyTest::line).containsExactlyInAnyOrder(
                "ANNOUNCED CHECKIN_OPEN null null",
                "REQUESTED CHECKIN_OPEN " + ANNE + " " + id,
                "SUPPRESSED CHECKED_IN " + BOB + " null",
                "SUPPRESSED NO_CONSENT " + CARL + " null");
        assertThat(decisions.stream().filter(d -> d.getTravellerKey() == null).findFirst().orElseThrow().getPassengers())
                .as("Dora's cancelled booking is off the roster").isEqualTo(3);

        notifier.driver.advanceWallClockTime(Duration.ofHours(2));
        notifier.flight(event(2, 17 * 60).setStatus(FlightStatus.DELAYED));
        notifier.driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(notifier.takeRequestValues()).extracting(WhatsAppRequest::getKind).as("reminded once")
                .doesNotContain(MessageKind.CHECKIN_OPEN);
    }

    @Test
    void shouldDropTheReminderWhenTheFlightIsCancelledBeforeCheckInOpens() {
        optIn(ANNE, 1, MessageKind.BOARDING_PASS);
        notifier.flight(event(1, 1));
        notifier.flight(event(2, 60).setStatus(FlightStatus.CANCELLED));
        assertThat(checkInDecisions()).extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getDetail())
                .containsExactly("HELD_BACK CHECKIN_SCHEDULED check-in opens " + OPENS,
                        "SUPPRESSED FLIGHT_CANCELLED check-in reminder dropped");
        notifier.takeRequestValues();

        notifier.driver.advanceWallClockTime(Duration.ofHours(16));
        assertThat(notifier.takeRequestValues()).isEmpty();
        assertThat(checkInDecisions()).isEmpty();
    }

    @Test
    void shouldMoveTheOpeningWithTheScheduleAndNotRemindAnErasedTraveller() {
        optIn(ANNE, 1, MessageKind.BOARDING_PASS);
        optIn(BOB, 2, MessageKind.BOARDING_PASS);
        notifier.flight(event(1, 1));
        Instant later = DEPARTURE.plus(Duration.ofHours(3));
        notifier.flight(event(2, 2).setDeparture(leg("AMS", "Europe/Amsterdam", later)));
        assertThat(checkInDecisions()).extracting(NotifierDecision::getDetail).containsExactly(
                "check-in opens " + OPENS, "check-in opens " + OPENS.plus(Duration.ofHours(3)) + " (moved from " + OPENS + ")");
        notifier.preferences.pipeInput(BOB, null, NOW.plus(Duration.ofHours(1))); // erasure
        notifier.takeRequestValues();

        notifier.driver.advanceWallClockTime(Duration.ofHours(16));
        assertThat(notifier.takeRequestValues()).as("not at the old opening").isEmpty();
        notifier.driver.advanceWallClockTime(Duration.ofHours(3));
        assertThat(notifier.takeRequestValues()).extracting(WhatsAppRequest::getMessageId)
                .containsExactly(CheckInReminder.messageId(FLIGHT, ANNE));
        assertThat(checkInDecisions()).extracting(CheckInReminderTopologyTest::line).contains(
                "SUPPRESSED NO_PREFERENCE " + BOB + " null");
    }
}
