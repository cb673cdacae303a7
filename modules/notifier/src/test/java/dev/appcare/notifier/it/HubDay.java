package dev.appcare.notifier.it;

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
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.MessageIds;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A day at a small hub, generated from a seed: three dozen flights (most leaving Amsterdam, some leaving
 * London, New York, Dubai, Tokyo, Sao Paulo and Paris), thousands of passengers with mixed locales and
 * preferences, flight-status scripts covering every kind of message (with a republished and a stale event),
 * boarding passes with re-issues, and some bad input.
 *
 * <p>The expected requests are worked out here, independently of the notifier's code: a plain replay of
 * the rules of docs/rules.md (N1-N8) over the generated day, as a reviewer would do it by hand.
 */
final class HubDay {
    /**
     * The day is today (UTC), not a fixed date: the broker stamps records with the wall clock and the
     * notifier keeps per-flight state relative to stream time, so a fixed past day would age out.
     */
    static final LocalDate DAY = LocalDate.now(java.time.ZoneOffset.UTC);
    static final Duration THRESHOLD = Duration.ofMinutes(15);
    private static final Instant BOOKED = DAY.minusDays(53).atTime(8, 0).toInstant(java.time.ZoneOffset.UTC);
    private static final String[] GIVEN = {"Anna", "Bram", "Zoë", "José", "Liam", "Sofia", "Noah", "Emma", "Lucas",
            "Mila", "Jan", "Chloé", "Mateo", "Yuki", "Ingrid", "Omar"};
    /** A traveller's locale and the template language the catalogue must pick for it. */
    private static final String[][] LOCALES = {{"nl", "nl"}, {"en", "en"}, {"en_GB", "en_GB"}, {"en_US", "en_US"},
            {"en_AU", "en_GB"}, {"fr", "fr"}, {"de", "de"}, {"es", "es"}, {"it", "it"}, {"pt", "pt_BR"},
            {"pt_PT", "pt_PT"}, {"pt-BR", "pt_BR"}, {"nl_BE", "nl"}, {"ja", "en"}, {"fr_CA", "fr"}};
    private static final String[][] ORIGINS = {{"LHR", "Europe/London"}, {"JFK", "America/New_York"},
            {"DXB", "Asia/Dubai"}, {"NRT", "Asia/Tokyo"}, {"GRU", "America/Sao_Paulo"}, {"CDG", "Europe/Paris"}};

    enum Script { ON_TIME, DELAY_CREEP, BACK_ON_TIME, EARLIER, CANCELLED, DIVERTED }

    record Flight(String key, String designator, String airport, ZoneId zone, Instant scheduled, Script script, int number) {
    }

    record Passenger(String travellerKey, Flight flight, String givenName, boolean active) {
    }

    record Preference(TravellerPreference record, boolean valid, String language) {
    }

    /** A request as the test compares it: everything but times of creation and expiry. */
    record Expected(String messageId, String recipient, MessageKind kind, String templateName, String language,
                    List<String> parameters, String supersedes, String travellerKey, String flightKey) {
        static Expected of(String key, WhatsAppRequest r) {
            return new Expected(r.getMessageId(), key, r.getKind(), r.getTemplateName(), r.getLanguage(),
                    r.getParameters().stream().map(TemplateParameter::getValue).toList(), r.getSupersedes(),
                    r.getCorrelation().getTravellerKey(), r.getCorrelation().getFlightKey());
        }
    }

    final List<Flight> flights = new ArrayList<>();
    final List<Passenger> passengers = new ArrayList<>();
    final Map<String, Preference> preferences = new HashMap<>();
    final List<PassengerSegment> segmentRecords = new ArrayList<>();
    final List<FlightStatusEvent> flightEvents = new ArrayList<>();
    final List<BoardingPassIssued> boardingPasses = new ArrayList<>();
    final List<Expected> expected = new ArrayList<>();
    int invalidInputs;

    HubDay(long seed, int flightCount) {
        Random random = new Random(seed);
        int phone = 0;
        for (int f = 0; f < flightCount; f++) {
            boolean outbound = f % 6 != 5;
            String[] origin = outbound ? new String[] {"AMS", "Europe/Amsterdam"} : ORIGINS[(f / 6) % ORIGINS.length];
            String designator = (f % 2 == 0 ? "KL" : "HV") + (1000 + f);
            ZoneId zone = ZoneId.of(origin[1]);
            Instant scheduled = DAY.atTime(LocalTime.of(7, 0).plusMinutes(20L * f)).atZone(zone).toInstant();
            Flight flight = new Flight(designator + "/" + DAY + "/" + origin[0], designator, origin[0], zone, scheduled,
                    Script.values()[f % Script.values().length], f);
            flights.add(flight);
            int seats = 40 + random.nextInt(121);
            for (int p = 0; p < seats; p++) {
                String traveller = String.format("P%02d%04d/1", f, p);
                boolean active = random.nextInt(100) >= 3;
                String given = GIVEN[random.nextInt(GIVEN.length)];
                passengers.add(new Passenger(traveller, flight, given, active));
                PassengerSegment segment = PassengerSegment.newBuilder().setTravellerKey(traveller).setFlightKey(flight.key())
                        .setStatus(SegmentStatus.ACTIVE).setGivenName(given).setFamilyName("Tester").setCabin("Y")
                        .setUpdatedAt(BOOKED).build();
                segmentRecords.add(segment);
                if (!active) {
                    segmentRecords.add(random.nextBoolean()
                            ? PassengerSegment.newBuilder(segment).setStatus(SegmentStatus.CANCELLED).build()
                            : tombstone(traveller, flight.key()));
                }
                int roll = random.nextInt(100);
                if (roll < 62) {
                    String[] locale = LOCALES[random.nextInt(LOCALES.length)];
                    Set<MessageKind> kinds = EnumSet.noneOf(MessageKind.class);
                    for (MessageKind kind : List.of(MessageKind.DELAY, MessageKind.CANCELLATION, MessageKind.GATE_CHANGE,
                            MessageKind.BOARDING, MessageKind.DIVERSION, MessageKind.BOARDING_PASS)) {
                        if (random.nextInt(100) < 75) {
                            kinds.add(kind);
                        }
                    }
                    boolean valid = roll < 60;
                    String number = valid ? String.format("+3162%07d", phone++) : "06-" + phone++;
                    TravellerPreference preference = TravellerPreference.newBuilder().setTravellerKey(traveller)
                            .setPhoneE164(number).setLocale(locale[0])
                            .setStatus(roll < 55 || !valid ? OptInStatus.OPTED_IN : OptInStatus.OPTED_OUT)
                            .setKinds(new ArrayList<>(kinds))
                            .setConsent(new ConsentEvidence(BOOKED, "booking-web", "v3"))
                            .setOptedOutAt(roll >= 55 && valid ? BOOKED.plusSeconds(3600) : null)
                            .setUpdatedAt(BOOKED.plusSeconds(roll >= 55 ? 3600 : 0)).build();
                    preferences.put(traveller, new Preference(preference, valid, locale[1]));
                    if (!valid) {
                        invalidInputs++;
                    }
                }
                if (random.nextInt(100) < 30) {
                    boardingPasses.add(pass(traveller, flight, given, 1, "1" + (char) ('A' + p % 6), Duration.ofHours(20)));
                    if (random.nextInt(100) < 25) {
                        boardingPasses.add(pass(traveller, flight, given, 2, "2" + (char) ('A' + p % 6), Duration.ofHours(18)));
                        boardingPasses.add(pass(traveller, flight, given, 1, "1" + (char) ('A' + p % 6), Duration.ofHours(20)));
                    }
                }
            }
            flightEvents.addAll(script(flight));
        }
        flightEvents.sort(Comparator.comparing(FlightStatusEvent::getEventTime));
        // Boarding passes keep their generation order: a re-issue, then the first pass republished after it.
        computeExpected();
    }

    private static PassengerSegment tombstone(String traveller, String flightKey) {
        return PassengerSegment.newBuilder().setTravellerKey(traveller).setFlightKey(flightKey)
                .setStatus(SegmentStatus.CANCELLED).setUpdatedAt(Instant.EPOCH).setGivenName("TOMBSTONE").build();
    }

    static boolean isTombstone(PassengerSegment segment) {
        return "TOMBSTONE".equals(segment.getGivenName());
    }

    private BoardingPassIssued pass(String traveller, Flight flight, String given, int sequence, String seat, Duration before) {
        return BoardingPassIssued.newBuilder()
                .setEventId("bp-" + traveller + "-" + sequence)
                .setEventTime(flight.scheduled().minus(before))
                .setTravellerKey(traveller)
                .setFlightKey(flight.key())
                .setIssueSequence(sequence)
                .setPassengerName("TESTER/" + given.toUpperCase(Locale.ROOT) + " MX")
                .setSeat(seat)
                .setBoardingTime(flight.scheduled().minus(Duration.ofMinutes(45)))
                .setGate("A1")
                .setDepartureAirport(flight.airport())
                .setDepartureTimeZone(flight.zone().getId())
                .setScheduledDeparture(flight.scheduled())
                .setDocumentUrl("https://passes.example.com/" + traveller.replace('/', '-') + "-" + sequence + ".pdf")
                .setBarcodeData("M1TESTER/" + given.toUpperCase(Locale.ROOT))
                .build();
    }

    /** The flight's events: (sequence, status, estimate minutes, gate, minutes from schedule). */
    private List<FlightStatusEvent> script(Flight f) {
        String g1 = "D" + (f.number() % 9 + 1);
        String g2 = "E" + (f.number() % 7 + 2);
        List<FlightStatusEvent> events = new ArrayList<>();
        switch (f.script()) {
            case ON_TIME -> {
                events.add(event(f, 1, FlightStatus.SCHEDULED, null, null, -240));
                events.add(event(f, 2, FlightStatus.SCHEDULED, null, g1, -180));
                events.add(event(f, 3, FlightStatus.BOARDING, null, g1, -40));
                events.add(event(f, 4, FlightStatus.DEPARTED, null, g1, 5));
            }
            case DELAY_CREEP -> {
                events.add(event(f, 1, FlightStatus.SCHEDULED, null, null, -240));
                events.add(event(f, 2, FlightStatus.DELAYED, 5L, null, -200));
                events.add(event(f, 3, FlightStatus.DELAYED, 25L, null, -180));
                events.add(event(f, 4, FlightStatus.DELAYED, 25L, g1, -150));
                FlightStatusEvent five = event(f, 5, FlightStatus.DELAYED, 32L, g1, -120);
                events.add(five);
                FlightStatusEvent six = event(f, 6, FlightStatus.DELAYED, 45L, g2, -100);
                events.add(six);
                events.add(FlightStatusEvent.newBuilder(six).build()); // republished upstream
                events.add(event(f, 7, FlightStatus.BOARDING, 45L, g2, -10));
                events.add(event(f, 8, FlightStatus.DEPARTED, 45L, g2, 50));
                events.add(FlightStatusEvent.newBuilder(five).setEventTime(f.scheduled().plus(Duration.ofMinutes(55))).build());
            }
            case BACK_ON_TIME -> {
                events.add(event(f, 1, FlightStatus.DELAYED, 40L, g1, -240));
                events.add(event(f, 2, FlightStatus.SCHEDULED, 0L, g1, -200));
                events.add(event(f, 3, FlightStatus.SCHEDULED, 0L, g2, -150));
                events.add(event(f, 4, FlightStatus.SCHEDULED, 10L, g2, -100));
                events.add(event(f, 5, FlightStatus.BOARDING, 10L, g2, -20));
            }
            case EARLIER -> {
                events.add(event(f, 1, FlightStatus.SCHEDULED, -20L, g1, -240));
                events.add(event(f, 2, FlightStatus.SCHEDULED, -20L, g1, -200));
            }
            case CANCELLED -> {
                events.add(event(f, 1, FlightStatus.DELAYED, 60L, null, -240));
                events.add(event(f, 2, FlightStatus.CANCELLED, 60L, null, -180));
                events.add(event(f, 3, FlightStatus.CANCELLED, 90L, null, -170));
            }
            case DIVERTED -> {
                events.add(event(f, 1, FlightStatus.SCHEDULED, null, g1, -240));
                events.add(event(f, 2, FlightStatus.BOARDING, null, g1, -30));
                events.add(event(f, 3, FlightStatus.DEPARTED, null, g1, 5));
                events.add(FlightStatusEvent.newBuilder(event(f, 4, FlightStatus.DIVERTED, null, g1, 60))
                        .setDiversion(new DiversionDetails("BRU", "Europe/Brussels", "weather")).build());
            }
        }
        return events;
    }

    private static FlightStatusEvent event(Flight f, long sequence, FlightStatus status, Long estimate, String gate, long at) {
        boolean gone = status == FlightStatus.DEPARTED || status == FlightStatus.DIVERTED;
        FlightLegEnd departure = FlightLegEnd.newBuilder().setAirport(f.airport()).setTimeZone(f.zone().getId())
                .setScheduled(f.scheduled())
                .setEstimated(estimate == null ? null : f.scheduled().plus(Duration.ofMinutes(estimate)))
                .setActual(gone ? f.scheduled().plus(Duration.ofMinutes(estimate == null ? 3 : estimate)) : null)
                .setGate(gate).build();
        boolean outbound = f.airport().equals("AMS");
        FlightLegEnd arrival = FlightLegEnd.newBuilder().setAirport(outbound ? "LHR" : "AMS")
                .setTimeZone(outbound ? "Europe/London" : "Europe/Amsterdam")
                .setScheduled(f.scheduled().plus(Duration.ofHours(outbound ? 1 : 8))).build();
        return FlightStatusEvent.newBuilder()
                .setEventId(f.key() + "#" + sequence)
                .setEventTime(f.scheduled().plus(Duration.ofMinutes(at)))
                .setSequence(sequence)
                .setFlightKey(f.key())
                .setCarrier(f.designator().substring(0, 2))
                .setFlightNumber(f.designator().substring(2))
                .setOriginDate(DAY)
                .setDeparture(departure)
                .setArrival(arrival)
                .setStatus(status)
                .setSource("hub-day")
                .build();
    }

    // ---- the expected requests, by hand -------------------------------------------------------------

    /** What one passenger was told about one flight. */
    private static final class Told {
        Instant departure;
        String gate;
        boolean boarding;
        boolean cancellation;
        String diversion;
        final Map<String, String> lastIds = new HashMap<>();
    }

    private void computeExpected() {
        Map<String, List<Passenger>> aboard = new HashMap<>();
        for (Passenger p : passengers) {
            if (p.active()) {
                aboard.computeIfAbsent(p.flight().key(), k -> new ArrayList<>()).add(p);
            }
        }
        Map<String, Flight> flightsByKey = new HashMap<>();
        flights.forEach(f -> flightsByKey.put(f.key(), f));
        Map<String, FlightStatusEvent> applied = new HashMap<>();
        Map<String, Told> told = new HashMap<>();
        for (FlightStatusEvent event : flightEvents) {
            FlightStatusEvent last = applied.get(event.getFlightKey());
            if (last != null && (event.getSequence() <= last.getSequence() || event.getEventTime().isBefore(last.getEventTime()))) {
                continue; // stale or republished
            }
            applied.put(event.getFlightKey(), event);
            Flight flight = flightsByKey.get(event.getFlightKey());
            for (Passenger p : aboard.getOrDefault(event.getFlightKey(), List.of())) {
                Preference pref = preferences.get(p.travellerKey());
                if (pref == null || !pref.valid() || pref.record().getStatus() != OptInStatus.OPTED_IN) {
                    continue;
                }
                Set<MessageKind> kinds = EnumSet.copyOf(pref.record().getKinds().isEmpty() ? List.of(MessageKind.UNKNOWN)
                        : pref.record().getKinds());
                Told t = told.computeIfAbsent(p.travellerKey() + "|" + flight.key(), k -> new Told());
                tell(flight, event, p, pref, kinds, t);
            }
        }
        Map<String, Integer> lastPass = new HashMap<>();
        Map<String, String> lastPassId = new HashMap<>();
        for (BoardingPassIssued pass : boardingPasses) {
            Preference pref = preferences.get(pass.getTravellerKey());
            if (pref == null || !pref.valid() || pref.record().getStatus() != OptInStatus.OPTED_IN
                    || !pref.record().getKinds().contains(MessageKind.BOARDING_PASS)) {
                continue;
            }
            String key = pass.getTravellerKey() + "|" + pass.getFlightKey();
            if (pass.getIssueSequence() <= lastPass.getOrDefault(key, 0)) {
                continue;
            }
            String id = MessageIds.derive(MessageKind.BOARDING_PASS, pass.getEventId(), pass.getTravellerKey());
            Flight flight = flightsByKey.get(pass.getFlightKey());
            String given = pass.getPassengerName().split("/")[1].split(" ")[0];
            given = given.charAt(0) + given.substring(1).toLowerCase(Locale.ROOT);
            expected.add(new Expected(id, pref.record().getPhoneE164(), MessageKind.BOARDING_PASS, "boarding_pass",
                    pref.language(), List.of(given, flight.designator(), pass.getSeat(), hhmm(pass.getBoardingTime(), flight)),
                    lastPassId.get(key), pass.getTravellerKey(), pass.getFlightKey()));
            lastPass.put(key, pass.getIssueSequence());
            lastPassId.put(key, id);
        }
    }

    private void tell(Flight flight, FlightStatusEvent event, Passenger p, Preference pref, Set<MessageKind> kinds, Told t) {
        FlightLegEnd dep = event.getDeparture();
        Instant scheduled = dep.getScheduled();
        Instant current = dep.getEstimated() != null ? dep.getEstimated() : scheduled;
        String gate = dep.getGate();
        boolean newGate = gate != null && !gate.equals(t.gate);
        switch (event.getStatus()) {
            case CANCELLED -> {
                if (!t.cancellation && kinds.contains(MessageKind.CANCELLATION)) {
                    add(t, "TIMING", MessageKind.CANCELLATION, "flight_cancelled", event, p, pref,
                            List.of(flight.designator(), flight.airport(), DateTimeFormatter.ofPattern("d MMM yyyy",
                                    Locale.forLanguageTag(pref.language().replace('_', '-'))).format(scheduled.atZone(flight.zone()))));
                    t.cancellation = true;
                }
            }
            case DIVERTED -> {
                String airport = event.getDiversion().getAirport();
                if (!airport.equals(t.diversion) && kinds.contains(MessageKind.DIVERSION)) {
                    add(t, "DIVERSION", MessageKind.DIVERSION, "flight_diverted", event, p, pref, List.of(flight.designator(), airport));
                    t.diversion = airport;
                }
            }
            case BOARDING -> {
                if (!t.boarding && kinds.contains(MessageKind.BOARDING)) {
                    add(t, "GATE", MessageKind.BOARDING, "boarding_started", event, p, pref, List.of(flight.designator(), gate));
                    t.boarding = true;
                    t.gate = gate;
                } else if (newGate && kinds.contains(MessageKind.GATE_CHANGE)) {
                    add(t, "GATE", MessageKind.GATE_CHANGE, "gate_change", event, p, pref,
                            List.of(flight.designator(), gate, hhmm(current, flight)));
                    t.gate = gate;
                }
            }
            case SCHEDULED, DELAYED -> {
                Instant known = t.departure != null ? t.departure : scheduled;
                if (kinds.contains(MessageKind.DELAY) && Duration.between(current, known).abs().compareTo(THRESHOLD) >= 0) {
                    if (Duration.between(current, scheduled).abs().compareTo(THRESHOLD) < 0) {
                        add(t, "TIMING", MessageKind.BACK_ON_TIME, "flight_back_on_time", event, p, pref,
                                List.of(flight.designator(), flight.airport(), hhmm(scheduled, flight)));
                        t.departure = null;
                    } else {
                        boolean later = current.isAfter(scheduled);
                        add(t, "TIMING", later ? MessageKind.DELAY : MessageKind.EARLIER_DEPARTURE,
                                later ? "flight_delay" : "flight_earlier", event, p, pref,
                                List.of(flight.designator(), flight.airport(), hhmm(current, flight), hhmm(scheduled, flight)));
                        t.departure = current;
                    }
                }
                if (newGate && kinds.contains(MessageKind.GATE_CHANGE)) {
                    add(t, "GATE", MessageKind.GATE_CHANGE, "gate_change", event, p, pref,
                            List.of(flight.designator(), gate, hhmm(current, flight)));
                    t.gate = gate;
                }
            }
            default -> {
                // departed: nothing
            }
        }
    }

    private void add(Told t, String family, MessageKind kind, String template, FlightStatusEvent event, Passenger p,
                     Preference pref, List<String> rest) {
        String id = MessageIds.derive(kind, event.getEventId(), p.travellerKey());
        List<String> parameters = new ArrayList<>();
        parameters.add(p.givenName());
        parameters.addAll(rest);
        expected.add(new Expected(id, pref.record().getPhoneE164(), kind, template, pref.language(), parameters,
                t.lastIds.get(family), p.travellerKey(), event.getFlightKey()));
        t.lastIds.put(family, id);
    }

    private static String hhmm(Instant instant, Flight flight) {
        return DateTimeFormatter.ofPattern("HH:mm").format(instant.atZone(flight.zone()));
    }

    Set<String> expectedIds() {
        Set<String> ids = new LinkedHashSet<>();
        expected.forEach(e -> ids.add(e.messageId()));
        return ids;
    }
}
