package dev.appcare.bench;

import dev.appcare.avro.Correlation;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The sender and IRROPS benchmarks' driver; the simulator, the sender (and for IRROPS the notifier) run in
 * JVMs of their own, started by scripts/bench with the {@code appcare} command.
 * <ul>
 *   <li>{@code sender-setup}: topics and {@code messages} opted-in travellers;</li>
 *   <li>{@code sender-measure}: with the sender running, puts one gate-change request per traveller on the
 *       request topic at once and waits until the simulator accepted them all; the rate is first to last
 *       acceptance (the simulator's own timestamps), the CPU cost the sender process's CPU time over that
 *       span divided by the messages;</li>
 *   <li>{@code irrops-setup}: topics, {@code irrops-flights} flights x 300 passengers, every other one opted in;</li>
 *   <li>{@code irrops-measure}: with the notifier, the sender and the simulator running, cancels every flight
 *       at once and times the first cancellation event to the last accepted message, against the ideal of
 *       messages divided by the ceiling.</li>
 *   <li>{@code irrops-numbers-setup}, {@code irrops-numbers-measure}: the same storm's requests (one
 *       cancellation per opted-in passenger of the IRROPS workload) put on the request topic at once for a
 *       sender with several business numbers; first to last acceptance against the ideal of messages divided
 *       by the numbers' total ceiling, per number and in all, and the 130429 count.</li>
 * </ul>
 */
public final class SenderBench {
    private static final int THROUGHPUT_ERROR = 130429;

    private SenderBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, 1);
        try (Kafka kafka = new Kafka(args.get("bootstrap"), args.get("registry"))) {
            switch (argv[0]) {
                case "sender-setup" -> senderSetup(kafka, args);
                case "sender-measure" -> senderMeasure(kafka, args);
                case "irrops-setup" -> NotifierBench.setup(kafka, irrops(args), args.get("suffix"), args.integer("partitions"));
                case "irrops-measure" -> irropsMeasure(kafka, args);
                case "irrops-numbers-setup" -> irropsNumbersSetup(kafka, args);
                case "irrops-numbers-measure" -> irropsNumbersMeasure(kafka, args);
                default -> throw new IllegalArgumentException("unknown step " + argv[0]);
            }
        }
    }

    private static Workload irrops(Args args) {
        return new Workload(args.number("seed"), args.integer("irrops-flights"), 5000, 300, 0.5, true, args.instant("start"));
    }

    private static String phone(int i) {
        return String.format("+316%08d", 90_000_000 + i);
    }

    private static String traveller(int i) {
        return String.format("S%07d/1", i);
    }

    private static void senderSetup(Kafka kafka, Args args) throws Exception {
        String suffix = args.get("suffix");
        kafka.createContractTopics(suffix, args.integer("partitions"));
        Instant now = Instant.now();
        Workload.Flight flight = new Workload(1, 1, 9000, 150, 1, true, now).flights.get(0);
        try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer()) {
            for (int i = 0; i < args.integer("messages"); i++) {
                Workload.Passenger p = new Workload.Passenger(traveller(i), "Pax", phone(i), "en_GB", List.of(MessageKind.values()));
                producer.send(new ProducerRecord<>(Topics.withSuffix(suffix).name(Topics.TRAVELLER_PREFERENCE), p.travellerKey(),
                        Workload.preference(flight, p, now)));
            }
            producer.flush();
        }
    }

    private static void senderMeasure(Kafka kafka, Args args) throws Exception {
        String suffix = args.get("suffix");
        int messages = args.integer("messages");
        int ceiling = args.integer("ceiling");
        String label = "sender." + ceiling + ".";
        Results results = new Results(args.path("results"));
        Simulator sim = new Simulator(args.get("simulator"));
        long pid = args.number("pid");
        double cpuBefore = Proc.cpuSeconds(pid);
        Instant now = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer()) {
            for (int i = 0; i < messages; i++) {
                producer.send(new ProducerRecord<>(Topics.withSuffix(suffix).name(Topics.WHATSAPP_REQUEST), phone(i), request(i, now)));
            }
            producer.flush();
        }
        boolean all = sim.awaitAccepted(messages, Duration.ofSeconds(messages / ceiling * 3L + 120));
        double cpu = Proc.cpuSeconds(pid) - cpuBefore;
        List<Instant> accepted = sim.acceptedAt(messages + 1000);
        double seconds = Duration.between(accepted.get(0), accepted.get(accepted.size() - 1)).toNanos() / 1e9;
        // n acceptances span n-1 intervals of 1/ceiling each
        double perSecond = (accepted.size() - 1) / seconds;
        results.put(label + "messages", messages);
        results.put(label + "accepted", accepted.size());
        results.put(label + "all_accepted", all);
        results.put(label + "seconds", seconds);
        results.put(label + "per_second", perSecond);
        results.put(label + "ratio", perSecond / ceiling);
        results.put(label + "rejected_130429", sim.rejected(THROUGHPUT_ERROR));
        results.put(label + "cpu_ms_per_message", cpu * 1000 / messages);
        results.put(label + "rss_mib", Proc.statusMiB(pid, "VmRSS"));
        checkSentOnce(accepted.size(), messages);
    }

    /**
     * More acceptances than requests is a message sent twice: wrong output, the step fails. Fewer is what the
     * sender does with a call left unanswered on an overloaded machine (in doubt, its kind not resent; the
     * sender's log names each): the figures stand, with the accepted count beside them.
     */
    private static void checkSentOnce(long accepted, long requests) {
        if (accepted > requests) {
            throw new IllegalStateException(accepted + " messages accepted for " + requests + " requests: some were sent twice");
        }
    }

    private static WhatsAppRequest request(int i, Instant now) {
        return WhatsAppRequest.newBuilder().setMessageId("bench-sender-" + i).setKind(MessageKind.GATE_CHANGE)
                .setRecipient(phone(i)).setTemplateName("gate_change").setLanguage("en")
                .setParameters(List.of(parameter("Pax"), parameter("KL9000"), parameter("D7"), parameter("14:05")))
                .setDocumentHeader(null).setPriority(Priority.NORMAL).setCreatedAt(now).setExpiresAt(now.plus(Duration.ofHours(2)))
                .setSupersedes(null)
                .setCorrelation(Correlation.newBuilder().setTravellerKey(traveller(i)).setFlightKey("KL9000/2026-12-02/AMS")
                        .setSourceTopic("flight.status.v1").setSourceEventId("bench-" + i).build())
                .build();
    }

    private static TemplateParameter parameter(String value) {
        return TemplateParameter.newBuilder().setName(null).setValue(value).build();
    }

    /** The opted-in passengers of the IRROPS workload (every other one of 300 per flight), as the sender sees them. */
    private static List<Workload.Passenger> irropsRecipients(Workload workload) {
        return workload.flights.stream().flatMap(f -> f.passengers.stream()).filter(Workload.Passenger::optedIn).toList();
    }

    private static void irropsNumbersSetup(Kafka kafka, Args args) throws Exception {
        String suffix = args.get("suffix");
        kafka.createContractTopics(suffix, args.integer("partitions"));
        Workload workload = irrops(args);
        Instant now = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer()) {
            for (Workload.Flight flight : workload.flights) {
                for (Workload.Passenger p : flight.passengers) {
                    if (p.optedIn()) {
                        producer.send(new ProducerRecord<>(Topics.withSuffix(suffix).name(Topics.TRAVELLER_PREFERENCE), p.travellerKey(),
                                Workload.preference(flight, p, now)));
                    }
                }
            }
            producer.flush();
        }
        System.out.printf("set up %d opted-in travellers of %d flights%n", irropsRecipients(workload).size(), workload.flights.size());
    }

    private static void irropsNumbersMeasure(Kafka kafka, Args args) throws Exception {
        String suffix = args.get("suffix");
        int numbers = args.integer("numbers");
        int rate = args.integer("rate");
        Workload workload = irrops(args);
        Results results = new Results(args.path("results"));
        Simulator sim = new Simulator(args.get("simulator"));
        long pid = args.number("pid");
        long messages = irropsRecipients(workload).size();
        long simulatorPid = args.number("simulator-pid");
        double cpuBefore = Proc.cpuSeconds(pid);
        double simulatorCpuBefore = Proc.cpuSeconds(simulatorPid);
        Instant first = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer()) {
            for (Workload.Flight flight : workload.flights) {
                for (Workload.Passenger p : flight.passengers) {
                    if (p.optedIn()) {
                        producer.send(new ProducerRecord<>(Topics.withSuffix(suffix).name(Topics.WHATSAPP_REQUEST), p.phone(), cancellation(flight, p, first)));
                    }
                }
            }
            producer.flush();
        }
        Instant written = Instant.now();
        int ceiling = numbers * rate;
        boolean all = sim.awaitAccepted(messages, Duration.ofSeconds(messages / ceiling * 6 + 120));
        double cpu = Proc.cpuSeconds(pid) - cpuBefore;
        double simulatorCpu = Proc.cpuSeconds(simulatorPid) - simulatorCpuBefore;
        List<Simulator.Accepted> accepted = sim.acceptedMessages((int) messages + 1000);
        Instant firstAccepted = accepted.get(0).at();
        Instant lastAccepted = accepted.get(accepted.size() - 1).at();
        double seconds = Duration.between(firstAccepted, lastAccepted).toNanos() / 1e9;
        double ideal = messages / (double) ceiling;
        java.util.Map<String, Long> byNumber = new java.util.TreeMap<>();
        java.util.Map<String, java.util.Set<String>> numbersOf = new java.util.HashMap<>();
        for (Simulator.Accepted a : accepted) {
            byNumber.merge(a.phoneNumberId(), 1L, Long::sum);
            numbersOf.computeIfAbsent(a.to(), to -> new java.util.HashSet<>()).add(a.phoneNumberId());
        }
        String key = "irrops_multi.";
        results.put(key + "label", numbers + " business numbers x " + rate + " msg/s");
        results.put(key + "numbers", numbers);
        results.put(key + "messages", messages);
        results.put(key + "accepted", accepted.size());
        results.put(key + "all_accepted", all);
        results.put(key + "ceiling", ceiling);
        results.put(key + "write_seconds", Duration.between(first, written).toNanos() / 1e9);
        results.put(key + "first_accept_seconds", Duration.between(first, firstAccepted).toNanos() / 1e9);
        results.put(key + "seconds", seconds);
        results.put(key + "wall_seconds", Duration.between(first, lastAccepted).toNanos() / 1e9);
        results.put(key + "ideal_seconds", ideal);
        results.put(key + "ratio", seconds / ideal);
        results.put(key + "per_number", byNumber.toString().replaceAll("[{}]", ""));
        results.put(key + "recipients_on_two_numbers", numbersOf.values().stream().filter(n -> n.size() > 1).count());
        results.put(key + "rejected_130429", sim.rejected(THROUGHPUT_ERROR));
        results.put(key + "cpu_ms_per_message", cpu * 1000 / messages);
        results.put(key + "simulator_cpu_ms_per_message", simulatorCpu * 1000 / messages);
        // The cores the sender and the simulator would need to run at the numbers' total ceiling, at this CPU cost.
        results.put(key + "cores_at_ceiling", (cpu + simulatorCpu) / messages * ceiling);
        results.put(key + "rss_mib", Proc.statusMiB(pid, "VmRSS"));
        checkSentOnce(accepted.size(), messages);
        if (byNumber.size() != numbers) {
            throw new IllegalStateException("the storm went through " + byNumber.size() + " of " + numbers + " numbers");
        }
    }

    /** The cancellation the notifier sends an opted-in passenger (template flight_cancelled, urgent). */
    private static WhatsAppRequest cancellation(Workload.Flight flight, Workload.Passenger p, Instant now) {
        return WhatsAppRequest.newBuilder().setMessageId("bench-irrops-" + p.travellerKey()).setKind(MessageKind.CANCELLATION)
                .setRecipient(p.phone()).setTemplateName("flight_cancelled").setLanguage(p.locale())
                .setParameters(List.of(parameter(p.givenName()), parameter("KL" + flight.number), parameter("Amsterdam"),
                        parameter(flight.date.toString())))
                .setDocumentHeader(null).setPriority(Priority.URGENT).setCreatedAt(now).setExpiresAt(now.plus(Duration.ofHours(2)))
                .setSupersedes(null)
                .setCorrelation(Correlation.newBuilder().setTravellerKey(p.travellerKey()).setFlightKey(flight.key)
                        .setSourceTopic("flight.status.v1").setSourceEventId("bench-irrops-" + flight.key).build())
                .build();
    }

    private static void irropsMeasure(Kafka kafka, Args args) throws Exception {
        String suffix = args.get("suffix");
        int ceiling = args.integer("ceiling");
        Workload workload = irrops(args);
        Results results = new Results(args.path("results"));
        Simulator sim = new Simulator(args.get("simulator"));
        NotifierBench.awaitLoaded(kafka, args.get("application-id"), suffix);
        long expected = workload.flights.stream().mapToLong(f -> f.optedIn(MessageKind.CANCELLATION)).sum();
        Instant first = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = kafka.avroProducer()) {
            for (Workload.Flight flight : workload.flights) {
                FlightStatusEvent cancelled = workload.cancellation(flight, Instant.now());
                producer.send(new ProducerRecord<>(Topics.withSuffix(suffix).name(Topics.FLIGHT_STATUS), flight.key, cancelled));
            }
            producer.flush();
        }
        boolean all = sim.awaitAccepted(expected, Duration.ofSeconds(expected / ceiling * 4 + 120));
        List<Instant> accepted = sim.acceptedAt((int) expected + 1000);
        Instant last = accepted.get(accepted.size() - 1);
        double seconds = Duration.between(first, last).toNanos() / 1e9;
        double ideal = expected / (double) ceiling;
        results.put("irrops.flights", workload.flights.size());
        results.put("irrops.passengers", workload.passengers());
        results.put("irrops.messages", expected);
        results.put("irrops.accepted", accepted.size());
        results.put("irrops.all_accepted", all);
        results.put("irrops.ceiling", ceiling);
        results.put("irrops.seconds", seconds);
        results.put("irrops.first_accept_seconds", Duration.between(first, accepted.get(0)).toNanos() / 1e9);
        results.put("irrops.ideal_seconds", ideal);
        results.put("irrops.ratio", seconds / ideal);
        results.put("irrops.rejected_130429", sim.rejected(THROUGHPUT_ERROR));
        checkSentOnce(accepted.size(), expected);
    }
}
