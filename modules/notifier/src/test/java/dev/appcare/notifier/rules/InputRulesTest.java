package dev.appcare.notifier.rules;

import dev.appcare.model.rules.InputRules;
import dev.appcare.model.rules.Rejection;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.Keys;
import dev.appcare.notifier.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputRulesTest {
    private static final String KEY = Fixtures.FLIGHT_KEY;

    /** The errorType as the dead letter carries it. */
    private static String wireName(Rejection rejection) {
        return rejection.errorType().name();
    }

    private static Optional<String> flightError(FlightStatusEvent.Builder event) {
        return InputRules.flightStatus(KEY, event.build()).map(InputRulesTest::wireName);
    }

    @Test
    void shouldAcceptAGoodFlightEvent() {
        assertThat(InputRules.flightStatus(KEY, Fixtures.flight(1).build())).isEmpty();
        assertThat(InputRules.flightStatus(KEY, Fixtures.diverted(Fixtures.flight(1), "BRU", "Europe/Brussels").build())).isEmpty();
    }

    @Test
    void shouldRejectFlightEventsAboutUnknownFlights() {
        assertThat(InputRules.flightStatus("KL1234", Fixtures.flight(1).build())).map(InputRulesTest::wireName).contains("UNKNOWN_FLIGHT");
        assertThat(InputRules.flightStatus(null, Fixtures.flight(1).build())).map(InputRulesTest::wireName).contains("UNKNOWN_FLIGHT");
        assertThat(flightError(Fixtures.flight(1).setFlightNumber("999"))).contains("UNKNOWN_FLIGHT");
        assertThat(flightError(Fixtures.flight(1).setFlightKey("KL1234/2026-11-24/AMS"))).contains("UNKNOWN_FLIGHT");
        assertThat(InputRules.flightStatus(KEY, null)).map(InputRulesTest::wireName).contains("MISSING_VALUE");
    }

    @Test
    void shouldRejectUnknownAirportsAndTimeZones() {
        FlightLegEnd good = Fixtures.leg("AMS", "Europe/Amsterdam", Fixtures.SCHEDULED);
        assertThat(flightError(Fixtures.flight(1).setDeparture(FlightLegEnd.newBuilder(good).setAirport("ams").build())))
                .contains("UNKNOWN_AIRPORT");
        assertThat(flightError(Fixtures.flight(1).setDeparture(FlightLegEnd.newBuilder(good).setAirport("CDG").build())))
                .contains("UNKNOWN_AIRPORT");
        assertThat(flightError(Fixtures.flight(1).setDeparture(FlightLegEnd.newBuilder(good).setTimeZone("CET+1").build())))
                .contains("UNKNOWN_TIME_ZONE");
        assertThat(flightError(Fixtures.flight(1).setDeparture(FlightLegEnd.newBuilder(good).setTimeZone("Z").build())))
                .contains("UNKNOWN_TIME_ZONE");
        assertThat(flightError(Fixtures.diverted(Fixtures.flight(1), "B1", "Europe/Brussels"))).contains("UNKNOWN_AIRPORT");
        assertThat(flightError(Fixtures.diverted(Fixtures.flight(1), "BRU", "Brussels"))).contains("UNKNOWN_TIME_ZONE");
        assertThat(flightError(Fixtures.flight(1).setStatus(FlightStatus.DIVERTED))).contains("MISSING_FIELD");
        assertThat(flightError(Fixtures.flight(1).setSequence(-1))).contains("INVALID_FIELD");
    }

    @Test
    void shouldCheckSegmentKeys() {
        String segmentKey = "PNR001/1|" + KEY;
        assertThat(InputRules.passengerSegment(segmentKey, Fixtures.segment("PNR001/1", KEY, "Jane"))).isEmpty();
        assertThat(InputRules.passengerSegment(segmentKey, null)).isEmpty();
        assertThat(InputRules.passengerSegment("PNR001/1", null)).map(InputRulesTest::wireName).contains("INVALID_KEY");
        assertThat(InputRules.passengerSegment("PNR001/1|KL1", null)).map(InputRulesTest::wireName).contains("INVALID_KEY");
        assertThat(InputRules.passengerSegment(segmentKey, Fixtures.segment("PNR002/1", KEY, "Jane")))
                .map(InputRulesTest::wireName).contains("INVALID_KEY");
    }

    @Test
    void shouldCheckPreferences() {
        TravellerPreference good = Fixtures.optedIn("ABC123/1", "+31612345678", "pt_BR", List.of(MessageKind.DELAY));
        assertThat(InputRules.travellerPreference("ABC123/1", good)).isEmpty();
        assertThat(InputRules.travellerPreference("ABC123/1", null)).isEmpty();
        assertThat(InputRules.travellerPreference("ABC123/2", good)).map(InputRulesTest::wireName).contains("INVALID_KEY");
        assertThat(InputRules.travellerPreference("bad", null)).map(InputRulesTest::wireName).contains("INVALID_KEY");
        // The compaction tick (ErasureBound) erases nobody and is no bad input; with a value it would be.
        assertThat(InputRules.travellerPreference(Keys.COMPACTION_TICK, null)).isEmpty();
        assertThat(InputRules.travellerPreference(Keys.COMPACTION_TICK, good)).map(InputRulesTest::wireName).contains("INVALID_KEY");
        for (String phone : List.of("0612345678", "+0612345678", "+31 6 1234 5678", "+316")) {
            assertThat(InputRules.travellerPreference("ABC123/1", TravellerPreference.newBuilder(good).setPhoneE164(phone).build()))
                    .as(phone).map(InputRulesTest::wireName).contains("INVALID_PREFERENCE");
        }
        assertThat(InputRules.travellerPreference("ABC123/1", TravellerPreference.newBuilder(good).setLocale("").build()))
                .map(InputRulesTest::wireName).contains("INVALID_PREFERENCE");
        assertThat(InputRules.travellerPreference("ABC123/1", TravellerPreference.newBuilder(good).setLocale("nl-NL").build()))
                .isEmpty();
    }

    @Test
    void shouldTakeOnlyE164NumbersAsEveryRoleDoes() {
        for (String phone : List.of("+31612345678", "+14155550123", "+5511987654321", "+1234567", "+123456789012345")) {
            assertThat(InputRules.isE164(phone)).as(phone).isTrue();
        }
        for (String phone : Arrays.asList("0612345678", "31612345678", "+0612345678", "+31 6 1234 5678", "+31-612345678",
                "+316", "+123456", "+1234567890123456", "+31612345678x", "", null)) {
            assertThat(InputRules.isE164(phone)).as(String.valueOf(phone)).isFalse();
        }
    }

    @Test
    void shouldCheckBoardingPasses() {
        assertThat(InputRules.boardingPass("ABC123/1", Fixtures.boardingPass("ABC123/1", 1).build())).isEmpty();
        assertThat(InputRules.boardingPass("ABC123/1", Fixtures.boardingPass("ABC123/1", 0).build()))
                .map(InputRulesTest::wireName).contains("INVALID_BOARDING_PASS");
        assertThat(InputRules.boardingPass("ABC123/1", Fixtures.boardingPass("ABC123/1", 1).setDepartureAirport("CDG").build()))
                .map(InputRulesTest::wireName).contains("UNKNOWN_AIRPORT");
        assertThat(InputRules.boardingPass("ABC123/1", null)).map(InputRulesTest::wireName).contains("MISSING_VALUE");
    }

    @Test
    void shouldRejectStringsPastASaneLengthOnEveryInput() {
        String huge = "X".repeat(1024 * 1024);
        assertThat(flightError(Fixtures.gate(Fixtures.flight(1), huge))).contains("FIELD_TOO_LONG");
        assertThat(flightError(Fixtures.flight(1).setSource("x".repeat(InputRules.MAX_STRING + 1)))).contains("FIELD_TOO_LONG");
        assertThat(flightError(Fixtures.flight(1).setSource("x".repeat(InputRules.MAX_STRING)))).isEmpty();
        String segmentKey = "PNR001/1|" + KEY;
        assertThat(InputRules.passengerSegment(segmentKey, Fixtures.segment("PNR001/1", KEY, huge)))
                .map(InputRulesTest::wireName).contains("FIELD_TOO_LONG");
        TravellerPreference good = Fixtures.optedIn("ABC123/1", "+31612345678", "nl", List.of(MessageKind.DELAY));
        assertThat(InputRules.travellerPreference("ABC123/1", TravellerPreference.newBuilder(good)
                .setOptOutSource(huge).build())).map(InputRulesTest::wireName).contains("FIELD_TOO_LONG");
        assertThat(InputRules.boardingPass("PNR001/1", Fixtures.boardingPass("PNR001/1", 1).setPassengerName(huge).build()))
                .map(InputRulesTest::wireName).contains("FIELD_TOO_LONG");
    }

    @Test
    void shouldRejectTimesFarOutsideTheFlightsDay() {
        java.time.Instant year9999 = java.time.Instant.parse("9999-01-01T00:00:00Z");
        FlightLegEnd departure = Fixtures.flight(1).getDeparture();
        assertThat(flightError(Fixtures.flight(1).setDeparture(FlightLegEnd.newBuilder(departure).setEstimated(year9999).build())))
                .contains("IMPLAUSIBLE_TIME");
        assertThat(flightError(Fixtures.flight(1).setDeparture(FlightLegEnd.newBuilder(departure)
                .setEstimated(Fixtures.SCHEDULED.plus(java.time.Duration.ofDays(3))).build())))
                .as("a three-day delay is plausible").isEmpty();
        assertThat(flightError(Fixtures.flight(1).setDeparture(FlightLegEnd.newBuilder(departure)
                .setActual(Fixtures.SCHEDULED.plus(java.time.Duration.ofDays(6))).build()))).contains("IMPLAUSIBLE_TIME");
        assertThat(flightError(Fixtures.flight(1).setEventTime(year9999))).contains("IMPLAUSIBLE_TIME");
        assertThat(flightError(Fixtures.flight(1).setEventTime(Fixtures.SCHEDULED.minus(java.time.Duration.ofDays(90)))))
                .as("a schedule change three months ahead").isEmpty();
        assertThat(InputRules.boardingPass("PNR001/1", Fixtures.boardingPass("PNR001/1", 1).setScheduledDeparture(year9999).build()))
                .map(InputRulesTest::wireName).contains("IMPLAUSIBLE_TIME");
        assertThat(InputRules.boardingPass("PNR001/1", Fixtures.boardingPass("PNR001/1", 1).setBoardingTime(year9999).build()))
                .map(InputRulesTest::wireName).contains("IMPLAUSIBLE_TIME");
        assertThat(InputRules.passengerSegment("PNR001/1|" + KEY, dev.appcare.avro.PassengerSegment.newBuilder(
                Fixtures.segment("PNR001/1", KEY, "Jane")).setUpdatedAt(year9999).build()))
                .map(InputRulesTest::wireName).contains("IMPLAUSIBLE_TIME");
        TravellerPreference good = Fixtures.optedIn("ABC123/1", "+31612345678", "nl", List.of(MessageKind.DELAY));
        assertThat(InputRules.travellerPreference("ABC123/1", TravellerPreference.newBuilder(good).setUpdatedAt(year9999).build()))
                .map(InputRulesTest::wireName).contains("IMPLAUSIBLE_TIME");
    }
}
