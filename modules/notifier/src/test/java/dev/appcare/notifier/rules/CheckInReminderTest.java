package dev.appcare.notifier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.MessageKind;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerMemory;
import dev.appcare.notifier.rules.CheckInReminder.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rule N13 as tables: what a flight event does to the scheduled reminder; who gets it when check-in opens. */
class CheckInReminderTest {
    private static final Instant DEPARTURE = Instant.parse("2026-11-24T09:00:00Z");
    /** 30 h before departure. */
    private static final Instant OPENS = Instant.parse("2026-11-23T03:00:00Z");
    private static final CheckInReminder RULE = CheckInReminder.DEFAULT;

    private static FlightView flight(String status, Instant scheduled) {
        return FlightView.newBuilder().setFlightKey("KL1234/2026-11-24/AMS").setFlight("KL1234").setEventId("e")
                .setSequence(1).setEventTime(scheduled.minus(Duration.ofDays(2))).setStatus(status)
                .setDepartureAirport("AMS").setDepartureTimeZone("Europe/Amsterdam").setScheduledDeparture(scheduled)
                .setArrivalAirport("JFK").setScheduledArrival(scheduled.plus(Duration.ofHours(8))).build();
    }

    private static Instant hoursBeforeOpening(long hours) {
        return OPENS.minus(Duration.ofHours(hours));
    }

    static Stream<Arguments> flightEvents() {
        FlightView scheduled = flight("SCHEDULED", DEPARTURE);
        FlightView delayed = flight("DELAYED", DEPARTURE);
        FlightView cancelled = flight("CANCELLED", DEPARTURE);
        FlightView retimed = flight("SCHEDULED", DEPARTURE.plus(Duration.ofHours(2)));
        return Stream.of(
                // applied, incoming, wall clock -> change
                Arguments.of(null, scheduled, hoursBeforeOpening(5), Change.SCHEDULE),
                Arguments.of(null, scheduled, OPENS, Change.KEEP), // first seen as check-in opens: too late to remind
                Arguments.of(null, scheduled, OPENS.plusSeconds(60), Change.KEEP),
                Arguments.of(null, cancelled, hoursBeforeOpening(5), Change.KEEP),
                Arguments.of(scheduled, delayed, hoursBeforeOpening(5), Change.KEEP), // same schedule: entry stays
                Arguments.of(scheduled, cancelled, hoursBeforeOpening(5), Change.CANCEL),
                Arguments.of(scheduled, cancelled, OPENS.plusSeconds(60), Change.CANCEL),
                Arguments.of(cancelled, cancelled, hoursBeforeOpening(5), Change.KEEP),
                Arguments.of(cancelled, scheduled, hoursBeforeOpening(5), Change.SCHEDULE), // reinstated
                Arguments.of(cancelled, scheduled, OPENS.plusSeconds(60), Change.KEEP),
                Arguments.of(scheduled, retimed, hoursBeforeOpening(5), Change.RESCHEDULE),
                Arguments.of(scheduled, retimed, OPENS, Change.KEEP)); // already opened under the old schedule
    }

    @ParameterizedTest
    @MethodSource("flightEvents")
    void shouldScheduleMoveOrDropTheReminderAsTheFlightChanges(FlightView applied, FlightView incoming, Instant wallClock,
                                                               Change expected) {
        assertThat(RULE.onFlight(applied, incoming, wallClock)).isEqualTo(expected);
    }

    @Test
    void shouldOpenCheckInTheConfiguredLeadBeforeTheScheduledDeparture() {
        assertThat(RULE.opensAt(flight("SCHEDULED", DEPARTURE))).isEqualTo(OPENS);
        assertThat(new CheckInReminder(Duration.ofHours(24), Duration.ofMinutes(1)).opensAt(flight("DELAYED", DEPARTURE)))
                .isEqualTo(DEPARTURE.minus(Duration.ofHours(24)));
    }

    static Stream<Arguments> openings() {
        return Stream.of(
                // status, now -> reason (null = announce)
                Arguments.of("SCHEDULED", OPENS, null),
                Arguments.of("DELAYED", OPENS, null),
                Arguments.of("CANCELLED", OPENS, DecisionReason.FLIGHT_CANCELLED),
                Arguments.of("DEPARTED", OPENS, DecisionReason.TOO_LATE),
                Arguments.of("SCHEDULED", DEPARTURE, DecisionReason.TOO_LATE)); // the punctuation came after departure
    }

    @ParameterizedTest
    @MethodSource("openings")
    void shouldAnnounceTheOpeningOnlyForAFlightStillToLeave(String status, Instant now, DecisionReason expected) {
        assertThat(RULE.atOpening(flight(status, DEPARTURE), now)).isEqualTo(expected);
    }

    static Stream<Arguments> passengers() {
        PassengerMemory nothingSent = PassengerMemory.newBuilder().build();
        PassengerMemory passSent = PassengerMemory.newBuilder().setBoardingPassSequence(1).build();
        return Stream.of(
                // consented, memory -> reason (null = send)
                Arguments.of(true, null, null),
                Arguments.of(true, nothingSent, null),
                Arguments.of(true, passSent, DecisionReason.CHECKED_IN),
                Arguments.of(false, null, DecisionReason.NO_CONSENT),
                Arguments.of(false, passSent, DecisionReason.CHECKED_IN));
    }

    @ParameterizedTest
    @MethodSource("passengers")
    void shouldRemindOnlyConsentingPassengersWithoutABoardingPass(boolean consented, PassengerMemory memory,
                                                                  DecisionReason expected) {
        assertThat(CheckInReminder.forPassenger(consented, memory)).isEqualTo(expected);
    }

    @Test
    void shouldDeriveOneMessageIdPerTravellerAndFlight() {
        String id = CheckInReminder.messageId("KL1234/2026-11-24/AMS", "PNR001/1");
        assertThat(id).startsWith("checkin-open-").hasSize("checkin-open-".length() + 32)
                .isEqualTo(CheckInReminder.messageId("KL1234/2026-11-24/AMS", "PNR001/1"))
                .isEqualTo(MessageIds.derive(MessageKind.CHECKIN_OPEN, "checkin-open|KL1234/2026-11-24/AMS", "PNR001/1"))
                .isNotEqualTo(CheckInReminder.messageId("KL1234/2026-11-24/AMS", "PNR002/1"))
                .isNotEqualTo(CheckInReminder.messageId("KL1234/2026-11-25/AMS", "PNR001/1"));
    }

    @Test
    void shouldRefuseANonPositiveLeadOrInterval() {
        assertThatThrownBy(() -> new CheckInReminder(Duration.ZERO, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lead PT0S");
        assertThatThrownBy(() -> new CheckInReminder(Duration.ofHours(30), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("check interval PT-1S");
    }
}
