package dev.appcare.notifier.testing;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.DiversionDetails;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TravellerPreference;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Builders of input records for tests, with realistic defaults (KL1234 AMS-JFK, 23 Nov 2026). */
public final class Fixtures {
    public static final String FLIGHT_KEY = "KL1234/2026-11-23/AMS";
    /** 10:00 in Amsterdam (UTC+1 in November). */
    public static final Instant SCHEDULED = Instant.parse("2026-11-23T09:00:00Z");
    public static final Instant ARRIVAL = Instant.parse("2026-11-23T17:00:00Z");
    public static final List<MessageKind> ALL_KINDS = List.of(MessageKind.DELAY, MessageKind.CANCELLATION,
            MessageKind.GATE_CHANGE, MessageKind.BOARDING, MessageKind.DIVERSION, MessageKind.BOARDING_PASS);

    private Fixtures() {
    }

    /** Flight KL1234 on time, event {@code sequence}, observed 3 h before departure plus one minute per sequence. */
    public static FlightStatusEvent.Builder flight(long sequence) {
        return flight(FLIGHT_KEY, sequence);
    }

    public static FlightStatusEvent.Builder flight(String flightKey, long sequence) {
        String[] parts = flightKey.split("/");
        String designator = parts[0];
        // The times lie on the flight key's day, as the schedule of KL1234 on 2026-11-23 shifted to it.
        java.time.Duration shift = java.time.Duration.ofDays(java.time.temporal.ChronoUnit.DAYS.between(
                LocalDate.parse("2026-11-23"), LocalDate.parse(parts[1])));
        Instant scheduled = SCHEDULED.plus(shift);
        return FlightStatusEvent.newBuilder()
                .setEventId(flightKey + "#" + sequence)
                .setEventTime(scheduled.minusSeconds(3 * 3600).plusSeconds(sequence * 60))
                .setSequence(sequence)
                .setFlightKey(flightKey)
                .setCarrier(designator.substring(0, 2))
                .setFlightNumber(designator.substring(2))
                .setOriginDate(LocalDate.parse(parts[1]))
                .setDeparture(leg(parts[2], "Europe/Amsterdam", scheduled))
                .setArrival(leg("JFK", "America/New_York", ARRIVAL.plus(shift)))
                .setStatus(FlightStatus.SCHEDULED)
                .setSource("test");
    }

    public static FlightLegEnd leg(String airport, String zone, Instant scheduled) {
        return FlightLegEnd.newBuilder().setAirport(airport).setTimeZone(zone).setScheduled(scheduled).build();
    }

    /** A copy of {@code event} with the departure estimate moved {@code minutes} from the schedule. */
    public static FlightStatusEvent.Builder estimate(FlightStatusEvent.Builder event, long minutes) {
        FlightLegEnd departure = FlightLegEnd.newBuilder(event.getDeparture())
                .setEstimated(event.getDeparture().getScheduled().plusSeconds(minutes * 60)).build();
        return event.setDeparture(departure).setStatus(minutes > 0 ? FlightStatus.DELAYED : FlightStatus.SCHEDULED);
    }

    public static FlightStatusEvent.Builder gate(FlightStatusEvent.Builder event, String gate) {
        return event.setDeparture(FlightLegEnd.newBuilder(event.getDeparture()).setGate(gate).build());
    }

    public static FlightStatusEvent.Builder diverted(FlightStatusEvent.Builder event, String airport, String zone) {
        return event.setStatus(FlightStatus.DIVERTED).setDiversion(new DiversionDetails(airport, zone, "weather"));
    }

    public static String travellerKey(int i) {
        return String.format("PNR%03d/1", i);
    }

    public static String phone(int i) {
        return String.format("+3161%07d", i);
    }

    public static PassengerSegment segment(String travellerKey, String flightKey, String givenName) {
        return PassengerSegment.newBuilder()
                .setTravellerKey(travellerKey)
                .setFlightKey(flightKey)
                .setStatus(SegmentStatus.ACTIVE)
                .setGivenName(givenName)
                .setFamilyName("Doe")
                .setCabin("Y")
                .setUpdatedAt(Instant.parse("2026-10-01T00:00:00Z"))
                .build();
    }

    public static TravellerPreference optedIn(String travellerKey, String phone, String locale, List<MessageKind> kinds) {
        return TravellerPreference.newBuilder()
                .setTravellerKey(travellerKey)
                .setPhoneE164(phone)
                .setLocale(locale)
                .setStatus(OptInStatus.OPTED_IN)
                .setKinds(kinds)
                .setConsent(new ConsentEvidence(Instant.parse("2026-10-01T00:00:00Z"), "booking-web", "v1"))
                .setUpdatedAt(Instant.parse("2026-10-01T00:00:00Z"))
                .build();
    }

    public static TravellerPreference optedOut(TravellerPreference preference) {
        return TravellerPreference.newBuilder(preference)
                .setStatus(OptInStatus.OPTED_OUT)
                .setOptedOutAt(Instant.parse("2026-11-01T00:00:00Z"))
                .setOptOutSource("api")
                .setUpdatedAt(Instant.parse("2026-11-01T00:00:00Z"))
                .build();
    }

    public static BoardingPassIssued.Builder boardingPass(String travellerKey, int issueSequence) {
        return BoardingPassIssued.newBuilder()
                .setEventId("bp-" + travellerKey + "-" + issueSequence)
                .setEventTime(SCHEDULED.minusSeconds(20 * 3600))
                .setTravellerKey(travellerKey)
                .setFlightKey(FLIGHT_KEY)
                .setIssueSequence(issueSequence)
                .setPassengerName("DOE/JANE MRS")
                .setSeat("12A")
                .setBoardingGroup("2")
                .setBoardingTime(SCHEDULED.minusSeconds(40 * 60))
                .setGate("D7")
                .setDepartureAirport("AMS")
                .setDepartureTimeZone("Europe/Amsterdam")
                .setScheduledDeparture(SCHEDULED)
                .setDocumentUrl("https://passes.example.com/" + travellerKey.replace('/', '-') + "-" + issueSequence + ".pdf")
                .setBarcodeData("M1DOE/JANE            EABC123 AMSJFKKL 1234 327Y012A0001 100")
                .setBarcodeFormat("PDF417");
    }
}
