package dev.appcare.bench;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.Keys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The seeded workload: flights of 150-450 passengers (uniform), a share of them opted in (most to every
 * flight message, some to delays and cancellations only), and per flight a series of events whose delays
 * are skewed (most small, a long tail: 5 min plus an exponential with a 25-minute mean), so that some
 * changes stay under the 15-minute threshold and send nothing. The same seed gives the same flights,
 * passengers and phone numbers in every JVM of a run; departure times are relative to the run's start.
 */
final class Workload {
    static final ZoneId AMS = ZoneId.of("Europe/Amsterdam");
    private static final List<MessageKind> ALL_KINDS = List.of(MessageKind.DELAY, MessageKind.CANCELLATION,
            MessageKind.GATE_CHANGE, MessageKind.BOARDING, MessageKind.DIVERSION, MessageKind.BOARDING_PASS);
    private static final List<MessageKind> DISRUPTIONS_ONLY = List.of(MessageKind.DELAY, MessageKind.CANCELLATION);

    record Passenger(String travellerKey, String givenName, String phone, String locale, List<MessageKind> kinds) {
        boolean optedIn() {
            return kinds != null;
        }
    }

    /** One flight and the driver's view of its state (what the next event changes). */
    static final class Flight {
        final String key;
        final String number;
        final LocalDate date;
        final Instant scheduled;
        final List<Passenger> passengers;
        long sequence;
        Instant estimated;
        Instant lastToldEstimate;
        int gate = 1;

        Flight(String key, String number, LocalDate date, Instant scheduled, List<Passenger> passengers) {
            this.key = key;
            this.number = number;
            this.date = date;
            this.scheduled = scheduled;
            this.passengers = passengers;
            this.estimated = scheduled;
            this.lastToldEstimate = scheduled;
        }

        long optedIn() {
            return passengers.stream().filter(Passenger::optedIn).count();
        }

        long optedIn(MessageKind kind) {
            return passengers.stream().filter(p -> p.optedIn() && p.kinds().contains(kind)).count();
        }
    }

    final List<Flight> flights = new ArrayList<>();
    private final Random random;

    /**
     * @param flightNumberBase first flight number (keeps the flights of two workloads on one broker apart)
     * @param seats            fixed seats per flight, or 0 for the uniform 150-450
     * @param optIn            share of passengers who opted in
     * @param everyOther       opt in exactly every other passenger (an exact share) instead of at random
     */
    Workload(long seed, int flightCount, int flightNumberBase, int seats, double optIn, boolean everyOther, Instant start) {
        this.random = new Random(seed);
        Instant departure = start.plus(5, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        LocalDate date = departure.atZone(AMS).toLocalDate();
        long phone = 0;
        for (int f = 0; f < flightCount; f++) {
            String number = Integer.toString(flightNumberBase + f);
            String key = Keys.flightKey("KL", number, date, "AMS");
            int size = seats > 0 ? seats : 150 + random.nextInt(301);
            List<Passenger> passengers = new ArrayList<>(size);
            for (int p = 0; p < size; p++) {
                String traveller = Keys.travellerKey(String.format("T%07d", phone), "1");
                boolean in = everyOther ? p % 2 == 0 : random.nextDouble() < optIn;
                List<MessageKind> kinds = !in ? null : random.nextDouble() < 0.1 ? DISRUPTIONS_ONLY : ALL_KINDS;
                String locale = random.nextDouble() < 0.35 ? "nl" : "en_GB";
                passengers.add(new Passenger(traveller, "Pax" + p, String.format("+316%08d", flightNumberBase * 1000L + phone),
                        locale, kinds));
                phone++;
            }
            flights.add(new Flight(key, number, date, departure.plus(f % 120, ChronoUnit.MINUTES), passengers));
        }
    }

    long passengers() {
        return flights.stream().mapToLong(f -> f.passengers.size()).sum();
    }

    long optedIn() {
        return flights.stream().mapToLong(Flight::optedIn).sum();
    }

    static PassengerSegment segment(Flight flight, Passenger passenger, Instant now) {
        return PassengerSegment.newBuilder().setTravellerKey(passenger.travellerKey()).setFlightKey(flight.key)
                .setStatus(SegmentStatus.ACTIVE).setGivenName(passenger.givenName()).setFamilyName("Bench")
                .setUpdatedAt(now).build();
    }

    static TravellerPreference preference(Flight flight, Passenger passenger, Instant now) {
        return TravellerPreference.newBuilder().setTravellerKey(passenger.travellerKey()).setPhoneE164(passenger.phone())
                .setLocale(passenger.locale()).setStatus(OptInStatus.OPTED_IN).setKinds(passenger.kinds())
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(now.minus(Duration.ofDays(3))).setChannel("booking-web")
                        .setTextVersion("bench-v1").build())
                .setUpdatedAt(now).setValidUntil(flight.scheduled.plus(Duration.ofDays(30))).build();
    }

    /** A delay of {@code minutes} more than the flight's current estimate. */
    FlightStatusEvent delay(Flight flight, long minutes, Instant now) {
        flight.estimated = flight.estimated.plus(minutes, ChronoUnit.MINUTES);
        return event(flight, FlightStatus.DELAYED, now);
    }

    /** A gate change (the estimate stays). */
    FlightStatusEvent gateChange(Flight flight, Instant now) {
        flight.gate++;
        return event(flight, flight.estimated.equals(flight.scheduled) ? FlightStatus.SCHEDULED : FlightStatus.DELAYED, now);
    }

    FlightStatusEvent cancellation(Flight flight, Instant now) {
        return event(flight, FlightStatus.CANCELLED, now);
    }

    /** A skewed delay increment: 5 minutes plus an exponential with a 25-minute mean, at most 4 h. */
    long skewedDelayMinutes() {
        return Math.min(240, 5 + Math.round(-25 * Math.log(1 - random.nextDouble())));
    }

    Random random() {
        return random;
    }

    private static FlightStatusEvent event(Flight flight, FlightStatus status, Instant now) {
        flight.sequence++;
        return FlightStatusEvent.newBuilder()
                .setEventId("bench-" + flight.key + "-" + flight.sequence).setEventTime(now).setSequence(flight.sequence)
                .setFlightKey(flight.key).setCarrier("KL").setFlightNumber(flight.number).setOriginDate(flight.date)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(flight.scheduled).setEstimated(flight.estimated).setGate("D" + flight.gate)
                        .setTerminal("2").build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(flight.scheduled.plus(80, ChronoUnit.MINUTES))
                        .setEstimated(flight.estimated.plus(80, ChronoUnit.MINUTES)).build())
                .setStatus(status).setSource("bench").build();
    }
}
