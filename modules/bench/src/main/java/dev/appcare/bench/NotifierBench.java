package dev.appcare.bench;

import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.streams.NotifierTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The notifier benchmark's driver. The notifier itself runs in another JVM (started by scripts/bench with
 * the production command, or a benchmark variant), on topics with a suffix of its own.
 * <ul>
 *   <li>{@code setup}: creates the topics, books the workload's passengers and writes the opt-ins;</li>
 *   <li>{@code measure}: waits until the notifier has taken them in, then (1) a fan-out storm, three waves of
 *       one event per flight (delay, further delay, gate change), each timed from the first event sent to
 *       the last request visible read_committed; the maximum rate is the mean of the two warm waves, and the
 *       records written to every topic during them, divided by their requests, are the writes per request;
 *       (2) paced phases at 25, 50 and 75 % of that rate with the skewed event mix, for the event-to-request
 *       latency; (3) the notifier process's heap, RSS and state directory.</li>
 * </ul>
 */
public final class NotifierBench {
    private NotifierBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, 1);
        Workload workload = new Workload(args.number("seed"), args.integer("flights"), args.integer("flight-base"),
                args.integer("seats"), args.decimal("opt-in"), false, args.instant("start"));
        try (Kafka kafka = new Kafka(args.get("bootstrap"), args.get("registry"))) {
            switch (argv[0]) {
                case "setup" -> setup(kafka, workload, args.get("suffix"), args.integer("partitions"));
                case "measure" -> measure(kafka, workload, args);
                default -> throw new IllegalArgumentException("setup or measure, not " + argv[0]);
            }
        }
    }

    /** Topics, bookings and opt-ins; shared with the IRROPS driver. */
    static void setup(Kafka kafka, Workload workload, String suffix, int partitions) throws Exception {
        kafka.createContractTopics(suffix, partitions);
        Instant now = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer()) {
            for (Workload.Flight flight : workload.flights) {
                for (Workload.Passenger p : flight.passengers) {
                    producer.send(new ProducerRecord<>(Topics.withSuffix(suffix).name(Topics.PASSENGER_SEGMENT),
                            p.travellerKey() + "|" + flight.key, Workload.segment(flight, p, now)));
                    if (p.optedIn()) {
                        producer.send(new ProducerRecord<>(Topics.withSuffix(suffix).name(Topics.TRAVELLER_PREFERENCE), p.travellerKey(),
                                Workload.preference(flight, p, now)));
                    }
                }
            }
            producer.flush();
        }
        System.out.printf("set up %d flights, %d passengers, %d opted in, topics *%s with %d partitions%n",
                workload.flights.size(), workload.passengers(), workload.optedIn(), suffix, partitions);
    }

    /** Waits until the notifier (group {@code applicationId}) has taken in every booking and opt-in. */
    static void awaitLoaded(Kafka kafka, String applicationId, String suffix) throws Exception {
        awaitLoaded(kafka, applicationId, suffix, List.of(NotifierTopology.SEGMENTS_BY_FLIGHT, NotifierTopology.PREFERENCES_BY_TRAVELLER));
    }

    /** The same, for a topology whose bookings and opt-ins go through the repartition topics {@code via}. */
    static void awaitLoaded(Kafka kafka, String applicationId, String suffix, List<String> via) throws Exception {
        List<String> topics = new java.util.ArrayList<>(List.of(Topics.withSuffix(suffix).name(Topics.PASSENGER_SEGMENT),
                Topics.withSuffix(suffix).name(Topics.TRAVELLER_PREFERENCE)));
        via.forEach(name -> topics.add(applicationId + "-" + name + "-repartition"));
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MINUTES.toNanos(5);
        int inARow = 0;
        while (inARow < 3) { // three checks in a row: the second hop may still be on its way after the first
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the notifier did not take in the bookings and opt-ins within 5 minutes");
            }
            boolean loaded;
            try {
                loaded = kafka.topics().containsAll(topics) && kafka.caughtUp(applicationId, topics);
            } catch (Exception notYet) { // the group or its internal topics do not exist yet
                loaded = false;
            }
            inARow = loaded ? inARow + 1 : 0;
            TimeUnit.MILLISECONDS.sleep(500); // a polling interval
        }
        System.out.printf("notifier %s loaded the bookings and opt-ins after %.1f s%n", applicationId,
                (System.nanoTime() - started) / 1e9);
    }

    private static void measure(Kafka kafka, Workload workload, Args args) throws Exception {
        String suffix = args.get("suffix");
        String applicationId = args.get("application-id");
        String label = "notifier." + args.get("label") + ".";
        Results results = new Results(args.path("results"));
        String eventTopic = Topics.withSuffix(suffix).name(Topics.FLIGHT_STATUS);
        awaitLoaded(kafka, applicationId, suffix, List.of(args.get("loaded-via").split(",")));
        long pid = args.number("pid");
        long brokerPid = args.number("broker-pid");
        results.put(label + "flights", workload.flights.size());
        results.put(label + "passengers", workload.passengers());
        results.put(label + "opted_in", workload.optedIn());

        try (Collector requests = new Collector(kafka, Topics.withSuffix(suffix).name(Topics.WHATSAPP_REQUEST));
             KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer()) {
            // (1) The storm: one event per flight at once, three times.
            String[] waves = {"delay", "further delay", "gate change"};
            double[] rates = new double[3];
            WriteCounter writes = null;
            double cpu = 0;
            double brokerCpu = 0;
            long warmStart = 0;
            int warmRequests = 0;
            for (int wave = 0; wave < 3; wave++) {
                if (wave == 1) {
                    writes = new WriteCounter(kafka, notifierTopics(kafka, applicationId, suffix));
                    cpu = Proc.cpuSeconds(pid);
                    brokerCpu = Proc.cpuSeconds(brokerPid);
                    warmStart = System.nanoTime();
                }
                int from = requests.count();
                long expected = 0;
                long firstSent = System.currentTimeMillis();
                for (Workload.Flight flight : workload.flights) {
                    Instant now = Instant.now();
                    FlightStatusEvent event = switch (wave) {
                        case 0 -> workload.delay(flight, 60 + workload.skewedDelayMinutes(), now);
                        case 1 -> workload.delay(flight, 30 + workload.skewedDelayMinutes(), now);
                        default -> workload.gateChange(flight, now);
                    };
                    flight.lastToldEstimate = flight.estimated;
                    // The first event is also the first the passengers hear of the gate: a gate message too (the
                    // planner sends GATE_CHANGE when a gate is known and is not the one told), for those who want it.
                    expected += switch (wave) {
                        case 0 -> flight.optedIn(MessageKind.DELAY) + flight.optedIn(MessageKind.GATE_CHANGE);
                        case 1 -> flight.optedIn(MessageKind.DELAY);
                        default -> flight.optedIn(MessageKind.GATE_CHANGE);
                    };
                    producer.send(new ProducerRecord<>(eventTopic, flight.key, event));
                }
                producer.flush();
                int got = requests.awaitQuiet(from, (int) expected, Duration.ofSeconds(2), Duration.ofMinutes(3));
                List<Collector.Seen> seen = requests.since(from);
                long last = seen.stream().mapToLong(Collector.Seen::visibleMs).max().orElse(firstSent);
                rates[wave] = got / ((last - firstSent) / 1000.0);
                results.put(label + "storm.wave" + (wave + 1) + ".what", waves[wave]);
                results.put(label + "storm.wave" + (wave + 1) + ".events", workload.flights.size());
                results.put(label + "storm.wave" + (wave + 1) + ".requests", got);
                results.put(label + "storm.wave" + (wave + 1) + ".expected", expected);
                results.put(label + "storm.wave" + (wave + 1) + ".seconds", (last - firstSent) / 1000.0);
                results.put(label + "storm.wave" + (wave + 1) + ".per_second", rates[wave]);
                if (wave > 0) {
                    warmRequests += got;
                }
                if (wave == 0) {
                    results.put(label + "request_bytes", seen.stream().mapToInt(Collector.Seen::bytes).average().orElse(0));
                }
            }
            double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
            checkStorm(results, label);
            results.put(label + "cpu_ms_per_request", (Proc.cpuSeconds(pid) - cpu) * 1000 / warmRequests);
            results.put(label + "broker_cpu_ms_per_request", (Proc.cpuSeconds(brokerPid) - brokerCpu) * 1000 / warmRequests);
            results.put(label + "cpu_share", (Proc.cpuSeconds(pid) - cpu) / warmSeconds);
            results.put(label + "broker_cpu_share", (Proc.cpuSeconds(brokerPid) - brokerCpu) / warmSeconds);
            TimeUnit.SECONDS.sleep(1); // the counter reads what was written until the last request became visible
            Map<String, Long> written = writes.counts();
            writes.close();
            long total = written.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder breakdown = new StringBuilder();
            written.forEach((topic, n) -> breakdown.append(breakdown.isEmpty() ? "" : ", ")
                    .append(topic.replace(applicationId + "-", "").replace(suffix, "")).append(' ').append(n));
            results.put(label + "writes.total", total);
            results.put(label + "writes.per_request", total / (double) warmRequests);
            results.put(label + "writes.breakdown", breakdown.toString());
            double max = (rates[1] + rates[2]) / 2;
            results.put(label + "max_per_second", max);

            // (2) Paced phases with the skewed mix, at 25, 50 and 75 % of the maximum.
            Duration phase = Duration.ofSeconds(args.integer("phase-seconds"));
            for (int percent : new int[] {25, 50, 75}) {
                paced(workload, producer, requests, eventTopic, max * percent / 100.0, phase, results, label + "load" + percent + ".");
            }
            // The design variant, at 50 % of its own maximum, runs at another rate than production did:
            // also at production's 50 % rate, so the two latencies are for the same work per second.
            String production = Results.read(results.file()).getProperty(PRODUCTION + "max_per_second");
            if (production != null && label.endsWith(".variant.")) {
                paced(workload, producer, requests, eventTopic, Double.parseDouble(production) / 2, phase, results, label + "production50.");
            }
        }
        // (3) What the notifier process holds after all of it.
        results.put(label + "heap_used_mib", Proc.heapUsedMiB(pid));
        results.put(label + "rss_mib", Proc.statusMiB(pid, "VmRSS"));
        results.put(label + "rss_peak_mib", Proc.statusMiB(pid, "VmHWM"));
        results.put(label + "state_mib", Proc.directoryMiB(args.path("state-dir")));
    }

    /**
     * A design that sends the wrong requests has no rate: every wave must have sent exactly the requests its
     * workload asks for (one per passenger opted in to the kind), and as many as the production design sent
     * for the same seeded workload when that step ran first in this run. Otherwise the step fails here, before
     * any figure of it is used (a previous version of the roster variant sent 570 of 3,351 and still got a rate).
     */
    static void checkStorm(Results results, String label) throws Exception {
        Properties seen = Results.read(results.file());
        List<String> wrong = new java.util.ArrayList<>();
        for (int wave = 1; wave <= 3; wave++) {
            String key = "storm.wave" + wave + ".";
            long got = Long.parseLong(seen.getProperty(label + key + "requests"));
            long expected = Long.parseLong(seen.getProperty(label + key + "expected"));
            String production = seen.getProperty(PRODUCTION + key + "requests");
            if (got != expected) {
                wrong.add("wave " + wave + " sent " + got + " requests, its workload asks for " + expected);
            }
            if (production != null && !label.equals(PRODUCTION) && got != Long.parseLong(production)) {
                wrong.add("wave " + wave + " sent " + got + " requests, the production design " + production);
            }
        }
        if (!wrong.isEmpty()) {
            results.put(label + "storm.wrong", String.join("; ", wrong));
            throw new IllegalStateException("the design's output is wrong, so it has no figures: " + String.join("; ", wrong));
        }
        results.put(label + "storm.checked", !label.equals(PRODUCTION) && production(seen) ? "equal to the workload and to the production design"
                : "equal to the workload");
    }

    private static boolean production(Properties seen) {
        return seen.getProperty(PRODUCTION + "storm.wave1.requests") != null;
    }

    /** The results' prefix of the production design at exactly_once_v2 (scripts/bench's step notifier-eos). */
    static final String PRODUCTION = "notifier.eos.";

    /** The notifier's topics: its inputs and output (with the suffix) and its internal topics. */
    static Set<String> notifierTopics(Kafka kafka, String applicationId, String suffix) throws Exception {
        Set<String> topics = new TreeSet<>();
        for (String topic : kafka.topics()) {
            if (topic.startsWith(applicationId + "-") || (topic.endsWith(suffix) && (topic.startsWith("flight.")
                    || topic.startsWith("booking.") || topic.startsWith("traveller.") || topic.startsWith("notify.")))) {
                topics.add(topic);
            }
        }
        return topics;
    }

    /**
     * Events at a steady pace so that the requests they should cause come at {@code perSecond}: 40 % gate
     * changes, 60 % delays of a skewed size (the pace counts a delay as sending only when the estimate moved
     * 15 minutes or more since the flight's last message, as rule N2 does). Latencies are of the requests
     * whose event was sent during the phase.
     */
    private static void paced(Workload workload, KafkaProducer<String, SpecificRecord> producer, Collector requests,
                              String eventTopic, double perSecond, Duration length, Results results, String key) throws Exception {
        int from = requests.count();
        long start = System.currentTimeMillis();
        long end = start + length.toMillis();
        double due = 0; // requests the events sent so far should cause
        int events = 0;
        long expected = 0;
        while (System.currentTimeMillis() < end) {
            Workload.Flight flight = workload.flights.get(workload.random().nextInt(workload.flights.size()));
            Instant now = Instant.now();
            FlightStatusEvent event;
            long causes;
            if (workload.random().nextDouble() < 0.4) {
                event = workload.gateChange(flight, now);
                causes = flight.optedIn(MessageKind.GATE_CHANGE);
            } else {
                event = workload.delay(flight, workload.skewedDelayMinutes(), now);
                boolean told = Duration.between(flight.lastToldEstimate, flight.estimated).toMinutes() >= 15;
                causes = told ? flight.optedIn(MessageKind.DELAY) : 0;
                if (told) {
                    flight.lastToldEstimate = flight.estimated;
                }
            }
            producer.send(new ProducerRecord<>(eventTopic, flight.key, event));
            events++;
            expected += causes;
            due += causes;
            long sendAt = start + (long) (due / perSecond * 1000);
            long wait = sendAt - System.currentTimeMillis();
            if (wait > 0) {
                producer.flush();
                TimeUnit.MILLISECONDS.sleep(wait); // pacing the load generator, not waiting for a result
            }
        }
        producer.flush();
        long sent = System.currentTimeMillis();
        int all = requests.awaitQuiet(from, (int) expected, Duration.ofSeconds(2), Duration.ofMinutes(2));
        List<Collector.Seen> seen = requests.since(from).stream().filter(s -> s.timestampMs() >= start && s.timestampMs() <= sent).toList();
        long[] latencies = seen.stream().mapToLong(s -> s.visibleMs() - s.timestampMs()).sorted().toArray();
        results.put(key + "target_per_second", perSecond);
        results.put(key + "events", events);
        results.put(key + "requests", latencies.length);
        results.put(key + "expected", expected);
        results.put(key + "requests_all", all);
        results.put(key + "per_second", latencies.length / ((sent - start) / 1000.0));
        results.put(key + "p50_ms", percentile(latencies, 0.50));
        results.put(key + "p99_ms", percentile(latencies, 0.99));
        results.put(key + "max_ms", latencies.length == 0 ? -1 : latencies[latencies.length - 1]);
        if (all != expected) { // wrong output, or so slow that the phase's requests did not all come within 2 minutes
            results.put(key + "wrong", all + " requests, the phase's events ask for " + expected);
            throw new IllegalStateException("phase " + key + ": " + all + " requests, its events ask for " + expected);
        }
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

}
