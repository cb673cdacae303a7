package dev.appcare.app;

import dev.appcare.app.demo.DashboardServer;
import dev.appcare.app.demo.DayTally;
import dev.appcare.app.demo.HubDay;
import dev.appcare.app.demo.RoleGauges;
import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.CancellationDetails;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.model.Keys;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.NotifierApp;
import dev.appcare.ops.OpsContext;
import dev.appcare.ops.Tracer;
import dev.appcare.ops.rules.Trace;
import dev.appcare.optin.OptinApp;
import dev.appcare.sender.SenderApp;
import dev.appcare.whatsappsim.Fault;
import dev.appcare.whatsappsim.SentMessage;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code appcare demo}: runs the WhatsApp simulator, the opt-in API, the notifier and the sender in
 * this JVM against a running Kafka + registry ({@code scripts/demo} starts a fresh one), plays a day at
 * Schiphol generated from a seed ({@link HubDay}) compressed into {@code --minutes}, with the small
 * KL1001 story of five passengers inside it, serves the day on a local page ({@link DashboardServer}),
 * runs {@code appcare ops redrive} after WhatsApp's outage, and ends with a summary read back from the
 * topics and the simulator's record whose counts are checked to add up (exit 1 if they do not).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Play a compressed day at a hub end to end on the local stack, with a live page and a checked summary.")
final class DemoCommand implements Callable<Integer> {
    private static final String PHONE_NUMBER_ID = "106540352242922";
    private static final ZoneId AMS = ZoneId.of("Europe/Amsterdam");
    private static final String REGISTRY_TIMEOUT = dev.appcare.model.registry.RegistryClientConfig.REQUEST_TIMEOUT_MS;
    private static final int OUTAGE_CODE = 132015; // template paused: terminal, dead-lettered (S3)
    /** The outage lasts its stretch of the day and then until it has caught this many sends (or the sender is idle). */
    private static final int OUTAGE_MIN_CAUGHT = 20;
    /** ... but no longer than this past its planned end. */
    private static final Duration OUTAGE_MAX_EXTRA = Duration.ofSeconds(60);
    /** scripts/demo says whether its output is a terminal: then the progress line redraws itself in place. */
    private static final boolean TERMINAL = "1".equals(System.getenv("APPCARE_DEMO_TTY"));

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--minutes", defaultValue = "3", description = "How long the day takes (default: ${DEFAULT-VALUE}).")
    double minutes;

    /** 250 departures give about 34,000 passengers: a hub day that plays in about 5 minutes at load 20-40 (README). */
    @Option(names = "--flights", defaultValue = "250", description = "Departures in the day (default: ${DEFAULT-VALUE}).")
    int flightCount;

    @Option(names = "--seed", defaultValue = "14", description = "The day's seed: the same seed, the same day (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sender-rate", defaultValue = "250",
            description = "The sender's ceiling, messages/s (sender.rate.per-second; default: ${DEFAULT-VALUE}).")
    int senderRate;

    @Option(names = "--live-opt-ins", defaultValue = "150",
            description = "How many of the day's travellers opt in tonight through the opt-in API (the others opted in at booking; default: ${DEFAULT-VALUE}).")
    int liveOptIns;

    @Option(names = "--page-port", defaultValue = "8900", description = "Port of the demo's page on 127.0.0.1 (0 = any; default: ${DEFAULT-VALUE}).")
    int pagePort;

    @Option(names = "--settle-timeout", defaultValue = "PT10M",
            description = "How long to wait at the end for every request to be decided (default: ${DEFAULT-VALUE}).")
    Duration settleTimeout;

    private final HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "appcare-demo-http");
        t.setDaemon(true);
        return t;
    })).build();
    private final PrintStream out = System.out;
    private final AtomicBoolean quiet = new AtomicBoolean();
    private final AtomicLong eventsProduced = new AtomicLong();
    private final Map<String, FlightState> flights = new HashMap<>();
    private boolean rebooking;
    private volatile String phase = "starting";
    private volatile double progress;

    record Passenger(String travellerKey, String givenName, String phone, String locale, boolean optsIn) {
    }

    /** What has been published about a flight so far: each event repeats the whole picture (AIDX style). */
    static final class FlightState {
        long sequence;
        String gate;
        int delayMinutes;
        FlightStatus status = FlightStatus.SCHEDULED;
    }

    /** A moment of the day and what happens then. */
    private record Action(double at, Callable<?> run) {
    }

    @Override
    public Integer call() throws Exception {
        String run = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 3).toUpperCase();
        String apiKey = "demo-key-" + UUID.randomUUID() + UUID.randomUUID();
        String token = "demo-token-" + UUID.randomUUID();
        String appSecret = "demo-secret-" + UUID.randomUUID();
        int webhookPort = freePort();
        Instant dayStart = Instant.now();
        HubDay day = HubDay.generate(seed, flightCount, run, dayStart);

        step("A day at Schiphol from seed " + seed + ": " + day.flights.size() + " departures, " + day.passengers.size()
                + " passengers, " + day.optedIn() + " opting in to WhatsApp, played in " + minutes + " min (run " + run + ")");
        step("Starting the WhatsApp Cloud API simulator, the opt-in API, the notifier and the sender");
        List<AutoCloseable> started = new ArrayList<>();
        Thread hook = new Thread(() -> closeAll(started), "appcare-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C: the JVM runs this, not the finally below
        try {
            WhatsAppSimulator whatsapp = WhatsAppSimulator.builder()
                    .accessToken(token).appSecret(appSecret).phoneNumberIds(PHONE_NUMBER_ID).seed(seed)
                    .throughputPerSecond(1_000).pairRate(45, Duration.ofSeconds(6)).latency(Duration.ofMillis(150), Duration.ofMillis(50))
                    .webhookUrl(URI.create("http://127.0.0.1:" + webhookPort + "/webhook")).start();
            started.add(whatsapp);
            // A loaded machine (2 cores shared while others build) answers slower than the registry client's
            // default 10 s; the demo waits longer rather than fail its day on a slow answer.
            Map<String, String> common = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "schema.registry.url", kafka.schemaRegistryUrl(), REGISTRY_TIMEOUT, "60000");
            String notifierId = "appcare-demo-notifier";
            String senderGroup = "appcare-demo-sender";
            LocalAppCare appcare = LocalAppCare.with(common)
                    .optin(Map.of("optin.http.port", "0",
                            "optin.auth.key.demo.secret", apiKey, "optin.auth.key.demo.permissions", "read,write,erase",
                            "optin.transactional.id", "appcare-demo-optin-" + run))
                    // The demo plays a flight's day in seconds: the message budget (N12) keeps its daily limit, without spacing.
                    .notifier(Map.of("notifier.application.id", notifierId,
                            "notifier.budget.spacing", "PT0S", "notifier.health.port", String.valueOf(freePort()),
                            "notifier.state.dir", Files.createTempDirectory("appcare-demo-notifier").toString()))
                    .sender(Map.ofEntries(
                            Map.entry("whatsapp.base-url", whatsapp.baseUrl()), Map.entry("whatsapp.token", token),
                            Map.entry("whatsapp.app-secret", appSecret), Map.entry("whatsapp.verify-token", "demo-verify"),
                            Map.entry("whatsapp.phone-number-id", PHONE_NUMBER_ID), Map.entry("sender.group-id", senderGroup),
                            Map.entry("sender.rate.per-second", String.valueOf(senderRate)),
                            Map.entry("sender.webhook.port", String.valueOf(webhookPort)), Map.entry("sender.webhook.path", "/webhook"),
                            Map.entry("sender.health.port", String.valueOf(freePort())), Map.entry("sender.pair-interval", "PT0.2S")))
                    .start();
            started.add(appcare);
            OptinApp optin = appcare.optin();
            NotifierApp notifier = appcare.notifier();
            SenderApp sender = appcare.sender();
            DayTally tally = new DayTally(kafka.bootstrapServers(), kafka.schemaRegistryUrl());
            started.add(tally);
            RoleGauges gauges = new RoleGauges(kafka.bootstrapServers(), Map.of("notifier", notifierId, "sender", senderGroup));
            started.add(gauges);

            String pnr = "D" + run + "A";
            DashboardServer.Chosen sanne = new DashboardServer.Chosen("Sanne", Keys.travellerKey(pnr, "1"), pnr, "+31*******01", "nl");
            Map<String, Integer> partySize = new HashMap<>();
            for (HubDay.Passenger p : day.passengers) {
                partySize.merge(p.travellerKey().substring(0, p.travellerKey().indexOf('/')), 1, Integer::sum);
            }
            partySize.put(pnr, 5);
            OpsContext opsContext = OpsContext.of(kafka.bootstrapServers(), kafka.schemaRegistryUrl(), null, "", Clock.systemUTC(),
                    new PrintWriter(java.io.Writer.nullWriter()));
            DashboardServer page = new DashboardServer("127.0.0.1", pagePort, new DashboardServer.Source() {
                @Override
                public DashboardServer.View view() {
                    List<RoleGauges.Sample> notifierMetrics = gauges.metrics(notifier.healthPort());
                    List<RoleGauges.Sample> senderMetrics = gauges.metrics(sender.healthPort());
                    return new DashboardServer.View(phase, progress, tally.counts(), gauges.lag(),
                            RoleGauges.byLabel(notifierMetrics, "appcare_notifier_skipped_total", "reason"),
                            RoleGauges.value(senderMetrics, "appcare_sender_rate_limit"), sanne);
                }

                @Override
                public List<SentMessage> preview() {
                    return whatsapp.acceptedFor("+31612345601");
                }

                @Override
                public String trace(String bookingRef) {
                    StringBuilder text = new StringBuilder();
                    Tracer tracer = new Tracer(opsContext);
                    for (int i = 1; i <= partySize.getOrDefault(bookingRef, 1); i++) {
                        List<Trace.Entry> entries = tracer.traveller(Keys.travellerKey(bookingRef, String.valueOf(i)), null);
                        if (!entries.isEmpty()) {
                            text.append("$ appcare ops trace --traveller ").append(bookingRef).append('/').append(i).append('\n')
                                    .append(Trace.render(entries)).append('\n');
                        }
                    }
                    return text.toString();
                }
            });
            started.add(page);
            step("The day's page: http://127.0.0.1:" + page.port() + "/  (counts, lag, the sender's ceiling, what Sanne received, trace by booking)");
            Thread progressLine = progress(tally, gauges);

            phase = "the night before: bookings and opt-ins";
            Instant[] outage = new Instant[2];
            try (var producer = new KafkaProducer<String, SpecificRecord>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "acks", "all", "enable.idempotence", "true", "linger.ms", "5"), new StringSerializer(), avroSerializer())) {
                String kl1001 = Keys.flightKey("KL", "1001", LocalDate.now(AMS), "AMS");
                List<Passenger> story = List.of(
                        new Passenger(Keys.travellerKey(pnr, "1"), "Sanne", "+31612345601", "nl", true),
                        new Passenger(Keys.travellerKey(pnr, "2"), "John", "+14155550102", "en_US", true),
                        new Passenger(Keys.travellerKey(pnr, "3"), "Ana", "+5511955550103", "pt_BR", true),
                        new Passenger(Keys.travellerKey(pnr, "4"), "Kenji", "+61412555104", "en_AU", true),
                        new Passenger(Keys.travellerKey(pnr, "5"), "Lukas", "+4915155550105", "de", false));
                step("Reservations book the day: " + day.passengers.size() + " passengers, and 5 on KL1001 AMS→LHR");
                for (Passenger p : story) {
                    sendNow(producer, Topics.PASSENGER_SEGMENT, Keys.segmentKey(p.travellerKey(), kl1001), segment(p.travellerKey(),
                            kl1001, p.givenName(), "Demo", SegmentStatus.ACTIVE));
                }
                for (HubDay.Passenger p : day.passengers) {
                    producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey(p.travellerKey(), p.flightKey()),
                            segment(p.travellerKey(), p.flightKey(), p.givenName(), p.familyName(), SegmentStatus.ACTIVE)));
                }
                producer.flush();
                step("4 of the KL1001 passengers opt in through the opt-in API (Lukas does not); Kenji's locale, en_AU, falls back to the en_GB templates");
                for (Passenger p : story.stream().filter(Passenger::optsIn).toList()) {
                    int status = optIn(optin.port(), apiKey, p.travellerKey(), p.phone(), p.locale(), true).join();
                    out.printf("    %-10s %s -> HTTP %d%n", p.travellerKey(), p.givenName(), status);
                }
                // Most travellers opted in when they booked, days ago: their preferences are on the topic already
                // (loaded here as the opt-in API wrote them, confirmations long sent); the last ones opt in
                // tonight through the opt-in API itself, and get their confirmation now.
                List<HubDay.Passenger> opted = day.passengers.stream().filter(HubDay.Passenger::optsIn).toList();
                List<HubDay.Passenger> tonight = opted.subList(Math.max(0, opted.size() - liveOptIns), opted.size());
                for (HubDay.Passenger p : opted.subList(0, opted.size() - tonight.size())) {
                    producer.send(new ProducerRecord<>(Topics.TRAVELLER_PREFERENCE.name(), p.travellerKey(), earlierOptIn(p, dayStart)));
                }
                producer.flush();
                long start = System.nanoTime();
                Map<Integer, Long> answers = optInAll(optin.port(), apiKey, tonight);
                step(String.format("%d of the day's travellers opted in at booking (their preferences loaded as the opt-in API wrote them); "
                        + "%d more opt in tonight through the opt-in API (%.0f/s): HTTP %s",
                        opted.size() - tonight.size(), tonight.size(), tonight.size() / ((System.nanoTime() - start) / 1e9), answers));
                if (answers.keySet().stream().anyMatch(s -> s != 200 && s != 201)) {
                    throw new IllegalStateException("the opt-in API refused some of the day's opt-ins: " + answers);
                }
                awaitOrFail("the notifier took in the bookings and opt-ins", Duration.ofMinutes(3),
                        () -> gauges.lag().get("notifier") == 0);

                List<Action> actions = new ArrayList<>(story(producer, kl1001, pnr, run, story.get(0)));
                for (HubDay.Step s : day.steps) {
                    actions.add(new Action(s.at(), () -> {
                        play(producer, s, optin.port(), apiKey, whatsapp, () -> gauges.lag().get("notifier") == 0,
                                () -> nothingPending(gauges, tally), outage, run);
                        return null;
                    }));
                }
                actions.add(new Action(0.60, () -> {
                    redrive(whatsapp, tally, outage);
                    return null;
                }));
                actions.sort(Comparator.comparingDouble(Action::at));
                long dayNanos = (long) (minutes * 60e9);
                long t0 = System.nanoTime();
                phase = "the day";
                step("The day starts: " + actions.size() + " moments in " + minutes + " min");
                for (Action a : actions) {
                    long due = t0 + (long) (a.at() * dayNanos);
                    while (System.nanoTime() < due) {
                        progress = (System.nanoTime() - t0) / (double) dayNanos;
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(due - System.nanoTime(), 50_000_000L));
                    }
                    progress = Math.min(1, (System.nanoTime() - t0) / (double) dayNanos);
                    a.run().call();
                }
                producer.flush();
            }
            progress = 1;
            phase = "settling: waiting for every request to be decided";
            step("The day is over; waiting for every request to be decided and WhatsApp's statuses to arrive");
            awaitOrFail("every request decided", settleTimeout,
                    () -> nothingPending(gauges, tally) && tally.counts().eventsTotal() == eventsProduced.get());
            whatsapp.awaitWebhooks(Duration.ofSeconds(60));
            awaitOrFail("the statuses of every accepted message read back", Duration.ofSeconds(60), () -> {
                Set<String> ids = new java.util.HashSet<>();
                whatsapp.accepted().forEach(m -> ids.add(m.bizOpaqueCallbackData()));
                ids.removeAll(tally.inDoubtIds());
                return tally.acceptedIds().containsAll(ids);
            });
            phase = "done";
            quiet.set(true);
            progressLine.interrupt();
            out.println();
            DayTally.Counts c = tally.counts();
            Map<String, Long> skipped = RoleGauges.byLabel(gauges.metrics(notifier.healthPort()), "appcare_notifier_skipped_total", "reason");
            report(whatsapp, run);
            return summary(c, skipped, whatsapp, tally.acceptedIds(), tally.inDoubtIds());
        } finally {
            quiet.set(true);
            closeAll(started);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs (and finds everything closed)
            }
        }
    }

    /** The KL1001 story (the five passengers), early in the day, each step on its own moment. */
    private List<Action> story(KafkaProducer<String, SpecificRecord> producer, String flight, String pnr, String run,
                               Passenger sanne) {
        LocalDate today = LocalDate.now(AMS);
        Instant departure = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        List<Action> a = new ArrayList<>();
        double at = 0.01;
        double gap = 0.008;
        a.add(new Action(at, () -> {
            step("KL1001: operations publish it as scheduled, gate D7, departing " + departure.atZone(AMS).toLocalTime());
            return send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, 1, departure, departure, "D7", FlightStatus.SCHEDULED));
        }));
        // Built when its step plays, not now: its eventTime must come after the scheduled event's, or the
        // notifier rightly takes it for a stale event observed before the one it already applied.
        FlightStatusEvent[] delay = new FlightStatusEvent[1];
        a.add(new Action(at += gap, () -> {
            step("KL1001: a 45-minute delay (one message per opted-in passenger)");
            delay[0] = flightEvent(run, flight, today, 2, departure, departure.plus(45, ChronoUnit.MINUTES), "D7", FlightStatus.DELAYED);
            return send(producer, Topics.FLIGHT_STATUS, flight, delay[0]);
        }));
        a.add(new Action(at += gap, () -> {
            step("KL1001: the same delay event re-sent by the upstream system (nothing new must be sent)");
            return send(producer, Topics.FLIGHT_STATUS, flight, FlightStatusEvent.newBuilder(delay[0]).setEventTime(Instant.now()).build());
        }));
        a.add(new Action(at += gap, () -> {
            step("KL1001: the estimate flaps by 5 minutes (below the 15-minute threshold: nothing sent)");
            return send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, 3, departure, departure.plus(50, ChronoUnit.MINUTES), "D7", FlightStatus.DELAYED));
        }));
        a.add(new Action(at += gap, () -> {
            step("KL1001: a gate change to D12");
            return send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, 4, departure, departure.plus(50, ChronoUnit.MINUTES), "D12", FlightStatus.DELAYED));
        }));
        a.add(new Action(at += gap, () -> {
            step("KL1001: the departure control system issues Sanne's boarding pass (a PDF link as the document header)");
            return send(producer, Topics.BOARDING_PASS, sanne.travellerKey(), BoardingPassIssued.newBuilder()
                    .setEventId("demo-" + run + "-bp-1").setEventTime(Instant.now()).setTravellerKey(sanne.travellerKey())
                    .setFlightKey(flight).setIssueSequence(1).setPassengerName("DEMO/SANNE").setSeat("12A")
                    .setBoardingGroup("2").setBoardingTime(departure.plus(20, ChronoUnit.MINUTES)).setGate("D12")
                    .setDepartureAirport("AMS").setDepartureTimeZone("Europe/Amsterdam").setScheduledDeparture(departure)
                    .setDocumentUrl("https://example.invalid/boarding-passes/" + run + "-1.pdf")
                    .setBarcodeData("M1DEMO/SANNE          E" + pnr + " AMSLHRKL 1001 327Y012A0001 100").build());
        }));
        a.add(new Action(at + gap, () -> {
            step("KL1001: boarding starts at D12");
            return send(producer, Topics.FLIGHT_STATUS, flight, flightEvent(run, flight, today, 5, departure, departure.plus(50, ChronoUnit.MINUTES), "D12", FlightStatus.BOARDING));
        }));
        return a;
    }

    /** One step of the generated day. */
    private void play(KafkaProducer<String, SpecificRecord> producer, HubDay.Step step, int optinPort, String apiKey,
                      WhatsAppSimulator whatsapp, BooleanSupplier notifierCaughtUp, BooleanSupplier nothingPending,
                      Instant[] outage, String run) throws Exception {
        switch (step) {
            case HubDay.Gate g -> {
                FlightState s = state(g.flight());
                s.gate = g.gate();
                publish(producer, g.flight(), s, run);
            }
            case HubDay.Delay d -> {
                FlightState s = state(d.flight());
                s.delayMinutes = d.minutes();
                s.status = d.minutes() > 0 ? FlightStatus.DELAYED : FlightStatus.SCHEDULED;
                publish(producer, d.flight(), s, run);
            }
            case HubDay.Boarding b -> {
                FlightState s = state(b.flight());
                s.status = FlightStatus.BOARDING;
                publish(producer, b.flight(), s, run);
            }
            case HubDay.Departed d -> {
                FlightState s = state(d.flight());
                s.status = FlightStatus.DEPARTED;
                publish(producer, d.flight(), s, run);
            }
            case HubDay.Cancel c -> {
                FlightState s = state(c.flight());
                s.status = FlightStatus.CANCELLED;
                publish(producer, c.flight(), s, run);
            }
            case HubDay.Rebook r -> {
                if (!rebooking) {
                    // Reservations rebook after the cancellations were announced, as they would in a real day. In the
                    // compressed day the first rebooking comes seconds after the last cancellation; a notifier behind
                    // on a loaded machine then saw the segments cancelled before the flight and told nobody of the
                    // cancellation (0 CANCELLATION requests in one run at load 50). So wait until it has read them.
                    rebooking = true;
                    producer.flush();
                    long waited = System.nanoTime();
                    awaitOrFail("the notifier read the cancellations before the rebooking", Duration.ofMinutes(3), notifierCaughtUp);
                    say(String.format("Reservations rebook the cancelled flights' passengers (after the notifier read the cancellations: %.0f s)",
                            (System.nanoTime() - waited) / 1e9));
                }
                HubDay.Passenger p = r.passenger();
                producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey(p.travellerKey(), r.from().key()),
                        segment(p.travellerKey(), r.from().key(), p.givenName(), p.familyName(), SegmentStatus.CANCELLED)));
                producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey(p.travellerKey(), r.to().key()),
                        segment(p.travellerKey(), r.to().key(), p.givenName(), p.familyName(), SegmentStatus.ACTIVE)));
            }
            case HubDay.Pass p -> {
                HubDay.Flight f = p.flight();
                FlightState s = state(f);
                String ref = p.passenger().travellerKey().substring(0, p.passenger().travellerKey().indexOf('/'));
                producer.send(new ProducerRecord<>(Topics.BOARDING_PASS.name(), p.passenger().travellerKey(), BoardingPassIssued.newBuilder()
                        .setEventId("day-" + run + "-bp-" + p.passenger().travellerKey()).setEventTime(Instant.now())
                        .setTravellerKey(p.passenger().travellerKey()).setFlightKey(f.key()).setIssueSequence(1)
                        .setPassengerName((p.passenger().familyName() + "/" + p.passenger().givenName()).toUpperCase(java.util.Locale.ROOT))
                        .setSeat(p.seat()).setBoardingGroup("3").setBoardingTime(f.departure().minus(30, ChronoUnit.MINUTES))
                        .setGate(s.gate == null ? f.gate() : s.gate).setDepartureAirport("AMS").setDepartureTimeZone("Europe/Amsterdam")
                        .setScheduledDeparture(f.departure())
                        .setDocumentUrl("https://example.invalid/boarding-passes/" + ref + "-" + p.passenger().travellerKey().substring(ref.length() + 1) + ".pdf")
                        .setBarcodeData("M1" + ref + " AMS" + f.destination().airport() + f.carrier() + " " + f.number()).build()));
                eventsProduced.incrementAndGet();
            }
            case HubDay.Stop s -> whatsapp.simulateInboundText(s.passenger().phone(), s.word());
            case HubDay.Erase e -> {
                String[] key = e.passenger().travellerKey().split("/");
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + optinPort
                                + "/v1/travellers/" + key[0] + "/" + key[1] + "/whatsapp")).header("Authorization", "Bearer " + apiKey)
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
                say("The privacy office erases one traveller through the opt-in API: HTTP " + answer.statusCode());
            }
            case HubDay.OutageStart o -> {
                producer.flush();
                outage[0] = Instant.now();
                whatsapp.faults().allRequests(Fault.error(OUTAGE_CODE));
                say("WhatsApp outage: every send is answered " + OUTAGE_CODE + " (template paused, terminal): the sender dead-letters them");
            }
            case HubDay.OutageEnd o -> {
                // On a loaded machine the sender can be behind or between bursts for the whole planned stretch:
                // the outage then goes on until it has caught sends, so the redrive after it always has work.
                long deadline = System.nanoTime() + OUTAGE_MAX_EXTRA.toNanos();
                long idleSince = -1;
                while (whatsapp.rejectionCount(OUTAGE_CODE) < OUTAGE_MIN_CAUGHT && System.nanoTime() < deadline) {
                    boolean idle = nothingPending.getAsBoolean();
                    idleSince = !idle ? -1 : idleSince < 0 ? System.nanoTime() : idleSince;
                    if (idleSince > 0 && System.nanoTime() - idleSince > 3_000_000_000L) {
                        break; // nothing waiting to be sent: a longer outage would catch nothing more
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L); // poll the condition 5 times a second
                }
                whatsapp.faults().clear();
                outage[1] = Instant.now();
                say("WhatsApp is back after " + Duration.between(outage[0], outage[1]).toSeconds() + " s; "
                        + whatsapp.rejectionCount(OUTAGE_CODE) + " sends were answered " + OUTAGE_CODE);
            }
        }
    }

    /**
     * The notifier has read everything and the sender has decided every request read back so far. (Not the
     * sender's group lag: in DemoTraceIT's small day it stayed above 0 while the sender was idle, likely the
     * notifier's transaction markers after the last records, which its consumer has not yet fetched past.)
     */
    private static boolean nothingPending(RoleGauges gauges, DayTally tally) {
        return gauges.lag().get("notifier") == 0 && tally.counts().undecided() == 0;
    }

    /** After the outage: once the dead letters stop coming, ops redrive them: the plan first, then --execute. */
    private void redrive(WhatsAppSimulator whatsapp, DayTally tally, Instant[] outage) throws Exception {
        long[] last = {-1};
        long[] stableSince = {System.nanoTime()};
        awaitOrFail("the dead letters of the outage are all written", Duration.ofMinutes(2), () -> {
            long n = tally.counts().deadLetterRecords();
            if (n != last[0]) {
                last[0] = n;
                stableSince[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - stableSince[0] > 3_000_000_000L;
        });
        String from = outage[0].minusSeconds(1).truncatedTo(ChronoUnit.SECONDS).toString();
        String to = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS).toString();
        quiet.set(true);
        try {
            out.println();
            say("Operations redrive the outage's dead letters (docs/runbook/whatsapp-outage.md): " + last[0] + " dead letters");
            ops("ops", "redrive", "--from", from, "--to", to, "--code", String.valueOf(OUTAGE_CODE));
            ops("ops", "redrive", "--from", from, "--to", to, "--code", String.valueOf(OUTAGE_CODE), "--max-rate", "200", "--execute");
        } finally {
            quiet.set(false);
        }
    }

    private void ops(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", kafka.schemaRegistryUrl()));
        out.println("$ appcare " + String.join(" ", args));
        var cli = AppCare.commandLine();
        PrintWriter writer = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        cli.setOut(writer);
        cli.setErr(writer);
        int exit = cli.execute(all.toArray(String[]::new));
        writer.flush();
        if (exit != 0) {
            throw new IllegalStateException("appcare " + String.join(" ", args) + " exited " + exit);
        }
    }

    private FlightState state(HubDay.Flight f) {
        return flights.computeIfAbsent(f.key(), k -> new FlightState());
    }

    private void publish(KafkaProducer<String, SpecificRecord> producer, HubDay.Flight f, FlightState s, String run) {
        s.sequence++;
        Instant estimated = f.departure().plus(s.delayMinutes, ChronoUnit.MINUTES);
        FlightStatusEvent.Builder e = FlightStatusEvent.newBuilder()
                .setEventId("day-" + run + "-" + f.carrier() + f.number() + "-" + s.sequence).setEventTime(Instant.now())
                .setSequence(s.sequence).setFlightKey(f.key()).setCarrier(f.carrier()).setFlightNumber(f.number())
                .setOriginDate(f.date())
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(f.departure()).setEstimated(estimated).setGate(s.gate).setTerminal(f.terminal()).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport(f.destination().airport()).setTimeZone(f.destination().timeZone())
                        .setScheduled(f.departure().plus(f.destination().block())).setEstimated(estimated.plus(f.destination().block())).build())
                .setStatus(s.status).setSource("demo");
        if (s.status == FlightStatus.CANCELLED) {
            e.setCancellation(CancellationDetails.newBuilder().setReasonCode("WX").setReasonText("weather").build());
        }
        producer.send(new ProducerRecord<>(Topics.FLIGHT_STATUS.name(), f.key(), e.build()));
        eventsProduced.incrementAndGet();
    }

    /** The day's opt-ins through the opt-in API, a few at a time; HTTP status → count. */
    private Map<Integer, Long> optInAll(int port, String apiKey, List<HubDay.Passenger> passengers) throws InterruptedException {
        Semaphore slots = new Semaphore(8);
        Map<Integer, Long> answers = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (HubDay.Passenger p : passengers) {
            slots.acquire();
            calls.add(optIn(port, apiKey, p.travellerKey(), p.phone(), p.locale(), p.allKinds())
                    .handle((status, error) -> {
                        slots.release();
                        answers.merge(error == null ? status : -1, 1L, Long::sum);
                        return null;
                    }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        return new java.util.TreeMap<>(answers);
    }

    /** A preference as the opt-in API writes it (PreferenceRules: opted in, evidence, no opt-out), given days ago. */
    private static dev.appcare.avro.TravellerPreference earlierOptIn(HubDay.Passenger p, Instant now) {
        Instant given = now.minus(3 + Math.floorMod(p.travellerKey().hashCode(), 40), ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        List<dev.appcare.avro.MessageKind> kinds = new ArrayList<>(List.of(dev.appcare.avro.MessageKind.DELAY,
                dev.appcare.avro.MessageKind.CANCELLATION, dev.appcare.avro.MessageKind.GATE_CHANGE, dev.appcare.avro.MessageKind.DIVERSION));
        if (p.allKinds()) {
            kinds.addAll(List.of(dev.appcare.avro.MessageKind.BOARDING, dev.appcare.avro.MessageKind.BOARDING_PASS));
        }
        return dev.appcare.avro.TravellerPreference.newBuilder().setTravellerKey(p.travellerKey()).setPhoneE164(p.phone())
                .setLocale(p.locale()).setStatus(dev.appcare.avro.OptInStatus.OPTED_IN).setKinds(kinds)
                .setConsent(dev.appcare.avro.ConsentEvidence.newBuilder().setGivenAt(given).setChannel("booking-web")
                        .setTextVersion("demo-v1").build())
                .setUpdatedAt(given).build();
    }

    private CompletableFuture<Integer> optIn(int port, String apiKey, String travellerKey, String phone, String locale, boolean allKinds) {
        String[] key = travellerKey.split("/");
        String kinds = allKinds ? "\"DELAY\",\"CANCELLATION\",\"GATE_CHANGE\",\"BOARDING\",\"DIVERSION\",\"BOARDING_PASS\""
                : "\"DELAY\",\"CANCELLATION\",\"GATE_CHANGE\",\"DIVERSION\"";
        String body = "{\"phone\":\"" + phone + "\",\"locale\":\"" + locale + "\",\"kinds\":[" + kinds + "],"
                + "\"consent\":{\"givenAt\":\"" + Instant.now().minusSeconds(60) + "\",\"channel\":\"booking-web\",\"textVersion\":\"demo-v1\"}}";
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/travellers/" + key[0] + "/" + key[1] + "/whatsapp"))
                        .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(answer -> {
                    if (answer.statusCode() >= 300) {
                        say("opt-in of " + travellerKey + " refused: HTTP " + answer.statusCode() + " " + answer.body());
                    }
                    return answer.statusCode();
                });
    }

    private static PassengerSegment segment(String travellerKey, String flightKey, String given, String family, SegmentStatus status) {
        return PassengerSegment.newBuilder().setTravellerKey(travellerKey).setFlightKey(flightKey).setStatus(status)
                .setGivenName(given).setFamilyName(family).setUpdatedAt(Instant.now()).build();
    }

    private static FlightStatusEvent flightEvent(String run, String flight, LocalDate date, long sequence, Instant scheduled,
                                                 Instant estimated, String gate, FlightStatus status) {
        return FlightStatusEvent.newBuilder()
                .setEventId("demo-" + run + "-kl1001-" + sequence).setEventTime(Instant.now()).setSequence(sequence)
                .setFlightKey(flight).setCarrier("KL").setFlightNumber("1001").setOriginDate(date)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(scheduled).setEstimated(estimated).setGate(gate).setTerminal("2").build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(scheduled.plus(80, ChronoUnit.MINUTES)).setEstimated(estimated.plus(80, ChronoUnit.MINUTES)).build())
                .setStatus(status).setSource("demo").build();
    }

    /** What each KL1001 passenger received, as before the day grew around them. */
    private void report(WhatsAppSimulator whatsapp, String run) {
        step("What the KL1001 passengers received on WhatsApp (as recorded by the simulator):");
        for (String to : List.of("+31612345601", "+14155550102", "+5511955550103", "+61412555104", "+4915155550105")) {
            List<SentMessage> messages = whatsapp.acceptedFor(to);
            out.println("  " + to);
            for (SentMessage m : messages) {
                out.printf("    %-20s [%s] %s%s%n", m.templateName(), m.language(), m.bodyParameters(),
                        m.documentLink() == null ? "" : " + document " + m.documentFilename());
            }
        }
        out.println("Lukas (+4915155550105) did not opt in and got nothing.");
        out.println("Sanne's whole story, the updates that sent her nothing included: scripts/appcare ops trace --traveller D"
                + run + "A/1");
    }

    /**
     * The day in numbers, read back from the topics and the simulator's record, and checked: every request
     * ends accepted, suppressed or dead; WhatsApp's record of what it accepted and rejected agrees with the
     * topics. Returns 0 if everything adds up, 1 (and says what does not) otherwise.
     */
    private int summary(DayTally.Counts c, Map<String, Long> skipped, WhatsAppSimulator whatsapp, Set<String> acceptedIds,
                        Set<String> inDoubtIds) {
        step("The day in numbers (read back from the topics and the WhatsApp simulator's record)");
        out.printf("  events in          %,8d   %s%n", c.eventsTotal(), c.events());
        out.printf("  requests           %,8d   by kind %s%n", c.requests(), c.requestsByKind());
        out.printf("    accepted         %,8d   (%,d of them only after the redrive)%n", c.accepted(), c.acceptedAfterRedrive());
        out.printf("    suppressed       %,8d   by reason %s%n", c.suppressedTotal(), c.suppressed());
        out.printf("    dead (left)      %,8d   dead-lettered %,d, redriven %,d, not redriven (opted out, erased or expired since) %,d%n",
                c.deadNow(), c.deadLettered(), c.redriven(), c.deadLettered() - c.redriven());
        out.printf("    in doubt         %,8d   (a call whose answer was lost and whose kind is not resent, S4)%n", c.inDoubt());
        out.printf("    undecided        %,8d%n", c.undecided());
        out.printf("  delivered %,d, read %,d, failed %,d (WhatsApp's webhooks)%n", c.delivered(), c.read(), c.failed());
        out.printf("  notifier: passenger notices that sent nothing, by reason %s%n", skipped);
        out.printf("  simulator: accepted %,d, rejected %s%n", whatsapp.acceptedCount(), whatsapp.rejectionCounts());

        List<String> wrong = new ArrayList<>();
        check(wrong, "requests = accepted + suppressed + dead + in doubt + undecided", c.requests(),
                c.accepted() + c.suppressedTotal() + c.deadNow() + c.inDoubt() + c.undecided());
        check(wrong, "undecided", c.undecided(), 0);
        check(wrong, "requests = the sum by kind", c.requests(), c.requestsByKind().values().stream().mapToLong(Long::longValue).sum());
        check(wrong, "events read back = events the day published", c.eventsTotal(), eventsProduced.get());
        Map<String, Long> timesAccepted = new HashMap<>();
        for (SentMessage m : whatsapp.accepted()) {
            timesAccepted.merge(m.bizOpaqueCallbackData(), 1L, Long::sum);
        }
        Set<String> notOnTopics = new java.util.HashSet<>(timesAccepted.keySet());
        notOnTopics.removeAll(acceptedIds);
        Set<String> missing = new java.util.HashSet<>(acceptedIds);
        missing.removeAll(timesAccepted.keySet());
        check(wrong, "ACCEPTED on the topics but not in the simulator's record", missing.size(), 0);
        notOnTopics.removeAll(inDoubtIds);
        check(wrong, "accepted by the simulator, neither ACCEPTED nor in doubt on the topics", notOnTopics.size(), 0);
        long twice = timesAccepted.entrySet().stream().filter(e -> e.getValue() > 1).count();
        long twiceOutsideDoubt = timesAccepted.entrySet().stream().filter(e -> e.getValue() > 1 && !inDoubtIds.contains(e.getKey())).count();
        out.printf("  the simulator accepted %,d message id(s) twice (%,d of them reported in doubt): a call whose answer was lost, resent (S4's in-doubt window)%n", twice, twice - twiceOutsideDoubt);
        check(wrong, "dead-lettered (statuses) = dead letters (DLQ topic)", c.deadLettered(), c.deadLetterIds());
        check(wrong, "dead-lettered = rejections " + OUTAGE_CODE + " (simulator)", c.deadLettered(), whatsapp.rejectionCount(OUTAGE_CODE));
        check(wrong, "accepted after the redrive <= redriven <= dead-lettered",
                c.acceptedAfterRedrive() <= c.redriven() && c.redriven() <= c.deadLettered() ? 1 : 0, 1);
        check(wrong, "delivered <= accepted, read <= delivered", c.delivered() <= c.accepted() && c.read() <= c.delivered() ? 1 : 0, 1);
        if (wrong.isEmpty()) {
            out.println("  ✓ the counts add up: requests = accepted + suppressed + dead; the simulator's record agrees with the topics.");
            return 0;
        }
        out.println("  ✗ THE COUNTS DO NOT ADD UP:");
        wrong.forEach(w -> out.println("    " + w));
        return 1;
    }

    private static void check(List<String> wrong, String what, long left, long right) {
        if (left != right) {
            wrong.add(what + ": " + left + " != " + right);
        }
    }

    private Thread progress(DayTally tally, RoleGauges gauges) {
        boolean terminal = TERMINAL;
        Thread t = new Thread(() -> {
            long tick = 0;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1_000); // a display refresh, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
                if (quiet.get() || (!terminal && tick++ % 10 != 0)) {
                    continue;
                }
                DayTally.Counts c = tally.counts();
                Map<String, Long> lag = gauges.lag();
                String line = String.format("[%3.0f%%] %s | events %,d | requests %,d | accepted %,d (%.0f/s) | suppressed %,d | dead-lettered %,d | redriven %,d | lag notifier %d sender %d",
                        progress * 100, phase, c.eventsTotal(), c.requests(), c.accepted(), c.acceptedPerSecond(), c.suppressedTotal(),
                        c.deadLettered(), c.redriven(), lag.get("notifier"), lag.get("sender"));
                synchronized (out) {
                    out.print(terminal ? "\r" + line + "\u001b[K" : line + "\n");
                    out.flush();
                }
            }
        }, "appcare-demo-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void awaitOrFail(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting after " + timeout + ": " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L); // poll the condition 5 times a second
        }
    }

    private static void closeAll(List<AutoCloseable> started) {
        synchronized (started) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("demo: stopping " + started.get(i) + " failed: " + e);
                }
            }
            started.clear();
        }
    }

    private <V extends SpecificRecord> Object send(KafkaProducer<String, SpecificRecord> producer, TopicSpec<V> topic,
                                                   String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        eventsProduced.incrementAndGet();
        return null;
    }

    private static <V extends SpecificRecord> void sendNow(KafkaProducer<String, SpecificRecord> producer, TopicSpec<V> topic,
                                                           String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }

    @SuppressWarnings("unchecked")
    private AvroSerializer<SpecificRecord> avroSerializer() {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", kafka.schemaRegistryUrl(), REGISTRY_TIMEOUT, "60000"), false);
        return serializer;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void say(String text) {
        synchronized (out) {
            out.println((TERMINAL ? "\r\u001b[K" : "") + "   " + text);
        }
    }

    private void step(String text) {
        synchronized (out) {
            out.println((TERMINAL ? "\r\u001b[K" : "") + "\n== " + text);
        }
    }
}
