package dev.appcare.app.demo;

import dev.appcare.model.Keys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A day of departures at Schiphol, generated from a seed: the same seed gives the same flights,
 * passengers, opt-ins and timeline on every run (only the wall-clock instants move with "now").
 * Plain Java, no Kafka: {@code DemoCommand} turns each {@link Step} into records or API calls at its
 * moment of the compressed day.
 *
 * <p>The day's shape: every flight gets its gate some hours before departure, a third are delayed with
 * estimates that wobble around the real delay (most wobbles below the 15-minute threshold), a
 * gate-change storm around midday moves the gates of several flights two or three times within
 * seconds, a cancellation wave in the afternoon cancels flights whose passengers are rebooked onto a
 * later flight, passengers who checked in online get a boarding pass, a few travellers reply STOP, one
 * is erased, and WhatsApp has an outage for a stretch of the day.
 */
public final class HubDay {
    static final ZoneId AMS = ZoneId.of("Europe/Amsterdam");

    /** A destination: IATA code, time zone, block time. */
    public record Destination(String airport, String timeZone, Duration block) {
    }

    private static final List<Destination> DESTINATIONS = List.of(
            new Destination("LHR", "Europe/London", Duration.ofMinutes(80)),
            new Destination("CDG", "Europe/Paris", Duration.ofMinutes(75)),
            new Destination("FRA", "Europe/Berlin", Duration.ofMinutes(70)),
            new Destination("BCN", "Europe/Madrid", Duration.ofMinutes(130)),
            new Destination("FCO", "Europe/Rome", Duration.ofMinutes(140)),
            new Destination("LIS", "Europe/Lisbon", Duration.ofMinutes(175)),
            new Destination("JFK", "America/New_York", Duration.ofMinutes(500)),
            new Destination("GRU", "America/Sao_Paulo", Duration.ofMinutes(720)),
            new Destination("NRT", "Asia/Tokyo", Duration.ofMinutes(800)),
            new Destination("CPH", "Europe/Copenhagen", Duration.ofMinutes(80)),
            new Destination("MAD", "Europe/Madrid", Duration.ofMinutes(150)),
            new Destination("MXP", "Europe/Rome", Duration.ofMinutes(105)));

    /**
     * Locales of the travellers who opt in, with weights that roughly follow Schiphol's passenger mix;
     * {@code en_AU} and {@code nl_BE} have no templates of their own and fall back (N7).
     */
    private static final String[][] LOCALES = {
            {"nl", "34"}, {"en_GB", "14"}, {"en_US", "12"}, {"de", "10"}, {"fr", "8"}, {"es", "6"},
            {"it", "5"}, {"pt_BR", "4"}, {"pt_PT", "2"}, {"en_AU", "3"}, {"nl_BE", "2"}};

    private static final Map<String, String[]> NAMES = Map.ofEntries(
            Map.entry("nl", new String[]{"Sanne", "Daan", "Emma", "Lars", "Fleur", "Bram", "Noor", "Jesse"}),
            Map.entry("en_GB", new String[]{"Oliver", "Amelia", "Harry", "Isla", "George", "Ava"}),
            Map.entry("en_US", new String[]{"John", "Emily", "Michael", "Madison", "David", "Grace"}),
            Map.entry("de", new String[]{"Lukas", "Mia", "Leon", "Hannah", "Felix", "Lea"}),
            Map.entry("fr", new String[]{"Louis", "Chloé", "Hugo", "Manon", "Jules", "Camille"}),
            Map.entry("es", new String[]{"Hugo", "Lucía", "Martín", "Sofía", "Pablo", "Carmen"}),
            Map.entry("it", new String[]{"Leonardo", "Giulia", "Francesco", "Aurora", "Marco"}),
            Map.entry("pt_BR", new String[]{"Ana", "Miguel", "Helena", "Arthur", "Laura"}),
            Map.entry("pt_PT", new String[]{"João", "Maria", "Tomás", "Beatriz"}),
            Map.entry("en_AU", new String[]{"Kenji", "Charlotte", "Jack", "Olivia"}),
            Map.entry("nl_BE", new String[]{"Wout", "Lotte", "Arne", "Fien"}));

    /** The share of passengers who opt in to WhatsApp at booking. */
    static final double OPT_IN_RATE = 0.15;

    /** A departure. {@code at} is its place in the day (0..1), {@code departure} the real scheduled time. */
    public record Flight(String key, String carrier, String number, LocalDate date, double at, Instant departure,
                         Destination destination, String gate, String terminal) {
    }

    /**
     * A passenger. {@code locale} and {@code phone} are null for those who do not opt in;
     * {@code allKinds} false means only disruption messages (no boarding pass, no boarding call).
     */
    public record Passenger(String travellerKey, String givenName, String familyName, String flightKey,
                            String phone, String locale, boolean allKinds, boolean checksInOnline) {
        public boolean optsIn() {
            return phone != null;
        }
    }

    /** Something that happens at {@code at} (0..1) of the day. */
    public sealed interface Step permits Gate, Delay, Boarding, Departed, Cancel, Rebook, Pass, Stop, Erase,
            OutageStart, OutageEnd {
        double at();
    }

    /** The flight's gate, first assigned or changed ({@code storm} for the midday gate-change storm). */
    public record Gate(double at, Flight flight, String gate, boolean storm) implements Step {
    }

    /** A new estimated departure, {@code minutes} after schedule. */
    public record Delay(double at, Flight flight, int minutes) implements Step {
    }

    public record Boarding(double at, Flight flight) implements Step {
    }

    public record Departed(double at, Flight flight) implements Step {
    }

    public record Cancel(double at, Flight flight) implements Step {
    }

    /** The passenger's segment on {@code from} cancelled and a new one on {@code to}. */
    public record Rebook(double at, Passenger passenger, Flight from, Flight to) implements Step {
    }

    public record Pass(double at, Passenger passenger, Flight flight, String seat) implements Step {
    }

    /** The traveller replies {@code word} on WhatsApp. */
    public record Stop(double at, Passenger passenger, String word) implements Step {
    }

    /** The privacy office erases the traveller through the opt-in API. */
    public record Erase(double at, Passenger passenger) implements Step {
    }

    /** WhatsApp answers every send with a terminal error from here ... */
    public record OutageStart(double at) implements Step {
    }

    /** ... to here. */
    public record OutageEnd(double at) implements Step {
    }

    public final long seed;
    public final List<Flight> flights = new ArrayList<>();
    public final List<Passenger> passengers = new ArrayList<>();
    public final List<Step> steps = new ArrayList<>();
    /** Flight key → its state of the day (gate, estimate, status), for building each event. */
    final Map<String, Flight> byKey = new LinkedHashMap<>();

    private HubDay(long seed) {
        this.seed = seed;
    }

    /**
     * @param run      a tag that makes booking references unique per run (the bookings' content comes
     *                 from the seed)
     * @param flights  departures in the day
     * @param now      the start of the day (the first departure is a bit over an hour later)
     */
    public static HubDay generate(long seed, int flights, String run, Instant now) {
        HubDay day = new HubDay(seed);
        Random random = new Random(seed);
        String[] carriers = {"KL", "KL", "KL", "KL", "AF", "DL", "HV"};
        for (int i = 0; i < flights; i++) {
            double at = 0.12 + 0.86 * i / Math.max(1, flights);
            Instant departure = now.plus(Duration.ofMinutes(75 + Math.round(at * 18 * 60))).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
            String carrier = carriers[random.nextInt(carriers.length)];
            String number = String.valueOf(1100 + i * 7 % 8000 + random.nextInt(7));
            LocalDate date = departure.atZone(AMS).toLocalDate();
            Destination destination = DESTINATIONS.get(random.nextInt(DESTINATIONS.size()));
            Flight f = new Flight(Keys.flightKey(carrier, number, date, "AMS"), carrier, number, date, at, departure,
                    destination, gate(random), random.nextBoolean() ? "1" : "2");
            if (day.byKey.containsKey(f.key())) {
                continue; // same number twice on one day: keep the first
            }
            day.flights.add(f);
            day.byKey.put(f.key(), f);
        }
        int pnr = 0;
        for (Flight f : day.flights) {
            int seats = 60 + random.nextInt(81) + (f.destination().block().toMinutes() > 400 ? 150 : 0);
            int boarded = 0;
            while (boarded < seats) {
                int party = 1 + (random.nextDouble() < 0.35 ? 1 + random.nextInt(3) : 0);
                String ref = bookingRef(run, pnr++);
                String family = FAMILIES[random.nextInt(FAMILIES.length)];
                for (int p = 1; p <= party && boarded < seats; p++, boarded++) {
                    boolean optsIn = random.nextDouble() < OPT_IN_RATE;
                    String locale = optsIn ? locale(random) : null;
                    String[] names = NAMES.get(locale == null ? "nl" : locale);
                    day.passengers.add(new Passenger(Keys.travellerKey(ref, String.valueOf(p)), names[random.nextInt(names.length)],
                            family, f.key(), optsIn ? phone(locale, day.passengers.size()) : null, locale,
                            random.nextDouble() < 0.8, random.nextDouble() < 0.6));
                }
            }
        }
        day.plan(random);
        day.steps.sort(Comparator.comparingDouble(Step::at));
        return day;
    }

    private void plan(Random random) {
        Map<String, List<Passenger>> onFlight = new LinkedHashMap<>();
        for (Passenger p : passengers) {
            onFlight.computeIfAbsent(p.flightKey(), k -> new ArrayList<>()).add(p);
        }
        List<Flight> stormy = new ArrayList<>();
        List<Flight> cancelled = new ArrayList<>();
        for (Flight f : flights) {
            if (f.at() > 0.47 && f.at() < 0.75 && random.nextDouble() < 0.35) {
                stormy.add(f);
            } else if (f.at() > 0.66 && f.at() < 0.92 && random.nextDouble() < 0.12) {
                cancelled.add(f);
            }
        }
        for (Flight f : flights) {
            steps.add(new Gate(Math.max(0.005, f.at() - 0.11), f, f.gate(), false));
            if (cancelled.contains(f)) {
                steps.add(new Cancel(0.62 + 0.04 * random.nextDouble(), f));
                continue;
            }
            if (random.nextDouble() < 0.33) {
                // A real delay of 20..90 minutes whose estimate wobbles by a few minutes around it, first
                // announced too small, sometimes recovering a bit at the end.
                int real = 20 + random.nextInt(71);
                double t = f.at() - 0.09;
                int[] estimates = {real - 5 - random.nextInt(8), real, real + 3 - random.nextInt(7),
                        real + 4 - random.nextInt(9), random.nextDouble() < 0.3 ? Math.max(0, real - 20) : real + 2};
                for (int e : estimates) {
                    steps.add(new Delay(t, f, Math.max(0, e)));
                    t += 0.012;
                }
            }
            if (stormy.contains(f)) {
                int changes = 2 + random.nextInt(2);
                double t = 0.40 + 0.04 * random.nextDouble();
                for (int c = 0; c < changes; c++) {
                    steps.add(new Gate(t, f, gate(random), true));
                    t += 0.0015 + 0.002 * random.nextDouble();
                }
            }
            for (Passenger p : onFlight.getOrDefault(f.key(), List.of())) {
                if (p.optsIn() && p.checksInOnline()) {
                    steps.add(new Pass(f.at() - 0.05 + 0.02 * random.nextDouble(), p, f,
                            (1 + random.nextInt(40)) + "ABCDEF".substring(random.nextInt(6)).substring(0, 1)));
                }
            }
            steps.add(new Boarding(f.at() - 0.015, f));
            steps.add(new Departed(f.at(), f));
        }
        // Rebooking: onto the next flight to the same destination that is not cancelled, else the last
        // flight of the day that is not cancelled.
        for (Flight f : cancelled) {
            Flight to = flights.stream().filter(o -> o.at() > f.at() && !cancelled.contains(o)
                            && o.destination().equals(f.destination())).findFirst()
                    .orElse(flights.stream().filter(o -> !cancelled.contains(o)).reduce((a, b) -> b).orElseThrow());
            for (Passenger p : onFlight.getOrDefault(f.key(), List.of())) {
                steps.add(new Rebook(0.665 + 0.02 * random.nextDouble(), p, f, to));
            }
        }
        List<Passenger> opted = passengers.stream().filter(Passenger::optsIn).toList();
        int stops = Math.max(1, opted.size() / 100);
        for (int i = 0; i < stops && !opted.isEmpty(); i++) {
            Passenger p = opted.get(random.nextInt(opted.size()));
            steps.add(new Stop(0.30 + 0.15 * random.nextDouble(), p, "nl".equals(p.locale()) && i % 3 == 0 ? "afmelden" : "STOP"));
        }
        if (!opted.isEmpty()) {
            steps.add(new Erase(0.46, opted.get(random.nextInt(opted.size()))));
        }
        steps.add(new OutageStart(0.52));
        steps.add(new OutageEnd(0.57));
    }

    private static final String[] FAMILIES = {"de Vries", "Jansen", "Bakker", "Smith", "Jones", "Müller", "Martin",
            "García", "Rossi", "Silva", "Santos", "Tanaka", "Brown", "Visser", "Meijer", "Dubois", "Schmidt"};

    private static String gate(Random random) {
        String piers = "BCDEFGHM";
        return piers.charAt(random.nextInt(piers.length())) + String.valueOf(1 + random.nextInt(60));
    }

    private static String locale(Random random) {
        int total = 0;
        for (String[] l : LOCALES) {
            total += Integer.parseInt(l[1]);
        }
        int pick = random.nextInt(total);
        for (String[] l : LOCALES) {
            pick -= Integer.parseInt(l[1]);
            if (pick < 0) {
                return l[0];
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * A mobile number of the locale's country, unique by {@code n}, in a range libphonenumber accepts as
     * a valid mobile number (the opt-in API validates them, O2).
     */
    static String phone(String locale, int n) {
        String digits6 = String.format("%06d", n % 1_000_000);
        return switch (locale) {
            case "nl" -> "+3162" + String.format("%07d", n);
            case "en_GB" -> "+447400" + digits6;
            case "en_US" -> "+1415" + "2" + digits6;
            case "de" -> "+49151" + String.format("%08d", n);
            case "fr" -> "+336" + String.format("%08d", n);
            case "es" -> "+346" + String.format("%08d", n);
            case "it" -> "+39312" + String.format("%07d", n);
            case "pt_BR" -> "+55119" + String.format("%08d", 50_000_000 + n);
            case "pt_PT" -> "+35191" + String.format("%07d", n);
            case "en_AU" -> "+61412" + digits6;
            case "nl_BE" -> "+32470" + digits6;
            default -> throw new IllegalArgumentException("no phone plan for " + locale);
        };
    }

    /**
     * A six-character booking reference (what Keys accepts: 5 to 8 letters and digits): the first two
     * characters from the run tag, so two runs on one stack do not share bookings, then the number.
     */
    static String bookingRef(String run, int n) {
        String number = Integer.toString(n, 36).toUpperCase(java.util.Locale.ROOT);
        if (number.length() > 4) {
            throw new IllegalArgumentException("more bookings than six characters can tell apart: " + n);
        }
        return run.substring(0, 2) + "0".repeat(4 - number.length()) + number;
    }

    public Flight flight(String key) {
        return byKey.get(key);
    }

    public long optedIn() {
        return passengers.stream().filter(Passenger::optsIn).count();
    }
}
