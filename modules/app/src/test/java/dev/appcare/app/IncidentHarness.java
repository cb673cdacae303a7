package dev.appcare.app;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.Priority;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Keys;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.streams.NotifierTopology;
import dev.appcare.testkit.TopicReader;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import dev.appcare.whatsappsim.SentMessage;
import dev.appcare.whatsappsim.SimulatorBuilder;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One incident scenario on the real broker and registry: every contract topic with a suffix of its own,
 * the WhatsApp simulator, the notifier and the sender as in production, each started through
 * {@link LocalAppCare} and stopped by the test on its own, and {@code appcare ops ...} run through the
 * real command line.
 */
final class IncidentHarness implements AutoCloseable {
    static final ZoneId AMS = ZoneId.of("Europe/Amsterdam");
    /** An incident's day is played in seconds: no spacing between a traveller's messages (N12 has its own tests). */
    static final Map<String, String> NO_SPACING = Map.of("notifier.budget.spacing", "PT0S");

    final RealInfrastructure infra;
    final String suffix;
    final String notifierGroup;
    final String senderGroup;
    final WhatsAppSimulator sim;
    private final Path stateDir;
    private final int webhookPort;
    private final Map<String, String> senderOverrides;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final Admin admin;
    /** The notifier and the sender while they run, each on its own so the test stops and starts them apart. */
    private LocalAppCare notifier;
    private LocalAppCare sender;

    IncidentHarness(RealInfrastructure infra, int partitions, Consumer<SimulatorBuilder> simulator,
                    Map<String, String> senderOverrides) throws Exception {
        this.infra = infra;
        this.suffix = "." + TestNames.unique("ops");
        this.notifierGroup = "notifier" + suffix;
        this.senderGroup = "sender" + suffix;
        this.senderOverrides = senderOverrides;
        this.stateDir = Files.createTempDirectory("incident-notifier");
        this.webhookPort = freePort();
        List<NewTopic> topics = new ArrayList<>();
        for (TopicSpec<?> spec : Topics.ALL) {
            topics.add(new NewTopic(topic(spec), partitions, (short) 1).configs(spec.configs()));
        }
        infra.broker().createTopics(topics.toArray(NewTopic[]::new));
        this.admin = Admin.create(infra.broker().adminProperties());
        SimulatorBuilder builder = SimulatedWhatsApp.builder().webhookUrl(SimulatedWhatsApp.webhookUrl(webhookPort));
        simulator.accept(builder);
        this.sim = builder.start();
        Map<String, Object> p = infra.broker().producerProperties();
        p.put("max.in.flight.requests.per.connection", 1);
        p.put("linger.ms", 5);
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", infra.schemaRegistryUrl()), false);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), serializer);
    }

    String topic(TopicSpec<?> spec) {
        return Topics.withSuffix(suffix).name(spec);
    }

    // ─── roles ──────────────────────────────────────────────────────────────────────────────────

    /** Starts the notifier and waits until its group is stable (its internal topics exist and are led). */
    void startNotifier() throws Exception {
        startNotifier(NO_SPACING);
    }

    /** Starts the notifier with {@code overrides} on top of {@link #notifierSettings}. */
    void startNotifier(Map<String, String> overrides) throws Exception {
        notifier = LocalAppCare.with(common()).notifier(notifierSettings(overrides)).start();
        awaitNotifierJoined();
    }

    /** What every role of the scenario gets: the broker, the registry, and a group that notices a stopped member in seconds. */
    Map<String, String> common() {
        return Map.of("kafka.bootstrap.servers", infra.bootstrapServers(), "schema.registry.url", infra.schemaRegistryUrl(),
                "kafka.session.timeout.ms", "6000", "kafka.heartbeat.interval.ms", "1000");
    }

    /** The notifier's own settings for the scenario's topics and group, {@code overrides} on top. */
    Map<String, String> notifierSettings(Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                // Right after the internal topics are created, the single test broker was seen (4.3.1) to answer a
                // transactional producer with five batches in flight OUT_OF_ORDER_SEQUENCE forever; one in flight avoids it.
                "kafka.producer.max.in.flight.requests.per.connection", "1",
                "notifier.application.id", notifierGroup, "notifier.topics.suffix", suffix,
                "notifier.health.port", String.valueOf(freePort()), "notifier.state.dir", stateDir.toString()));
        settings.putAll(overrides);
        return settings;
    }

    /** Waits until the notifier's group is stable (its internal topics exist and are led). */
    void awaitNotifierJoined() {
        await("the notifier's group is stable", Duration.ofSeconds(60), () -> groupState(notifierGroup).equalsIgnoreCase("STABLE"));
    }

    /**
     * Waits until the notifier has taken in every booking and preference written so far: the input topics
     * and the repartition topics through which both reach their stores (the roster in the flight's
     * partition, the preference table in the traveller's), named as {@link NotifierTopology} names them.
     */
    void awaitNotifierTookIn() {
        awaitOr("the notifier took in bookings and preferences", Duration.ofSeconds(60), () ->
                consumedToEnd(notifierGroup, topic(Topics.PASSENGER_SEGMENT))
                        && consumedToEnd(notifierGroup, topic(Topics.TRAVELLER_PREFERENCE))
                        && consumedToEnd(notifierGroup, repartitionTopic(NotifierTopology.SEGMENTS_BY_FLIGHT))
                        && consumedToEnd(notifierGroup, repartitionTopic(NotifierTopology.PREFERENCES_BY_TRAVELLER)));
    }

    /** The Kafka Streams name of the notifier's repartition topic {@code name}. */
    private String repartitionTopic(String name) {
        return notifierGroup + "-" + name + "-repartition";
    }

    String groupState(String group) {
        try {
            return String.valueOf(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().groupState());
        } catch (Exception e) {
            return "unknown: " + e;
        }
    }

    void stopNotifier() {
        notifier.close();
        notifier = null;
    }

    void startSender() {
        sender = LocalAppCare.with(common()).sender(senderSettings()).start();
    }

    /**
     * The sender's own settings for the scenario's topics and group, through the simulator, with the
     * harness's sender overrides on top. The webhook port is fixed: the simulator was told it at the start.
     */
    Map<String, String> senderSettings() {
        Map<String, String> settings = new HashMap<>(SimulatedWhatsApp.sender(sim, senderGroup, webhookPort));
        settings.put("sender.topic-suffix", suffix);
        settings.put("sender.pair-interval", "PT0.2S");
        settings.putAll(senderOverrides);
        return settings;
    }

    void stopSender() {
        sender.close();
        sender = null;
    }

    // ─── input ──────────────────────────────────────────────────────────────────────────────────

    void book(String travellerKey, String flightKey) throws Exception {
        send(Topics.PASSENGER_SEGMENT, Keys.segmentKey(travellerKey, flightKey), PassengerSegment.newBuilder()
                .setTravellerKey(travellerKey).setFlightKey(flightKey).setStatus(SegmentStatus.ACTIVE)
                .setGivenName("Test").setUpdatedAt(Instant.now()).build());
    }

    void optIn(String travellerKey, String phone) throws Exception {
        send(Topics.TRAVELLER_PREFERENCE, travellerKey, preference(travellerKey, phone, OptInStatus.OPTED_IN));
    }

    void optOut(String travellerKey, String phone) throws Exception {
        TravellerPreference out = preference(travellerKey, phone, OptInStatus.OPTED_OUT);
        out.setOptedOutAt(Instant.now());
        out.setOptOutSource("whatsapp-reply:STOP");
        send(Topics.TRAVELLER_PREFERENCE, travellerKey, out);
    }

    /** Erasure as the opt-in API writes it: a tombstone. */
    void erase(String travellerKey) throws Exception {
        producer.send(new ProducerRecord<>(topic(Topics.TRAVELLER_PREFERENCE), travellerKey, null)).get();
    }

    <V extends SpecificRecord> void send(TopicSpec<V> spec, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic(spec), key, value)).get();
    }

    void request(WhatsAppRequest request) throws Exception {
        send(Topics.WHATSAPP_REQUEST, request.getRecipient(), request);
    }

    static TravellerPreference preference(String travellerKey, String phone, OptInStatus status) {
        return TravellerPreference.newBuilder().setTravellerKey(travellerKey).setPhoneE164(phone).setLocale("en")
                .setStatus(status).setKinds(List.of(MessageKind.values()))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.now().minusSeconds(60)).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(Instant.now()).build();
    }

    static String flightKey(String number) {
        return Keys.flightKey("KL", number, LocalDate.now(AMS), "AMS");
    }

    /** A flight-status event of {@code flightKey} departing at {@code departure} (3 h from now is "today"). */
    static FlightStatusEvent flightEvent(String eventId, String flightKey, long sequence, Instant departure,
                                         Instant estimated, String gate, FlightStatus status) {
        String number = flightKey.substring(2, flightKey.indexOf('/'));
        return FlightStatusEvent.newBuilder().setEventId(eventId).setEventTime(Instant.now()).setSequence(sequence)
                .setFlightKey(flightKey).setCarrier("KL").setFlightNumber(number).setOriginDate(LocalDate.now(AMS))
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(departure).setEstimated(estimated).setGate(gate).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plus(80, ChronoUnit.MINUTES)).build())
                .setStatus(status).setSource("it").build();
    }

    /** A gate-change request as the notifier writes it, with a valid simulator template. */
    static WhatsAppRequest gateChange(String messageId, String phone, String travellerKey, Priority priority, Instant expiresAt) {
        List<TemplateParameter> params = new ArrayList<>();
        for (String v : List.of("Anna", "KL1234", "D7", "14:05")) {
            params.add(TemplateParameter.newBuilder().setName(null).setValue(v).build());
        }
        return WhatsAppRequest.newBuilder().setMessageId(messageId).setKind(MessageKind.GATE_CHANGE).setRecipient(phone)
                .setTemplateName("gate_change").setLanguage("en").setParameters(params).setDocumentHeader(null)
                .setPriority(priority).setCreatedAt(Instant.now()).setExpiresAt(expiresAt).setSupersedes(null)
                .setCorrelation(Correlation.newBuilder().setTravellerKey(travellerKey).setFlightKey(null)
                        .setSourceTopic(null).setSourceEventId(null).build())
                .build();
    }

    // ─── ops through the real command line ──────────────────────────────────────────────────────

    record Ops(int exit, String out) {
    }

    Ops ops(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", infra.bootstrapServers(), "--schema-registry-url", infra.schemaRegistryUrl(),
                "--topic-suffix", suffix));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = AppCare.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        String text = out + err.toString();
        System.out.println("$ appcare " + String.join(" ", args) + "\n" + text + "(exit " + exit + ")");
        return new Ops(exit, text);
    }

    // ─── what the cluster holds ─────────────────────────────────────────────────────────────────

    /** End offsets of every topic of the scenario, both groups' committed offsets, and the ledger. */
    record Snapshot(Map<String, Long> endOffsets, Map<String, Long> committed, Map<String, LedgerState> ledger) {
    }

    Snapshot snapshot() throws Exception {
        Map<String, Long> ends = new TreeMap<>();
        for (TopicSpec<?> spec : Topics.ALL) {
            endOffsets(topic(spec)).forEach((tp, o) -> ends.put(tp.toString(), o));
        }
        Map<String, Long> committed = new TreeMap<>();
        for (String group : List.of(notifierGroup, senderGroup)) {
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, o) ->
                    committed.put(group + ":" + tp, o == null ? -1 : o.offset()));
        }
        Map<String, LedgerState> ledger = new TreeMap<>();
        ledgerEntries().forEach((id, e) -> ledger.put(id, e.getState()));
        return new Snapshot(ends, committed, ledger);
    }

    Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> query.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /**
     * Whether {@code group} has committed offsets past the last record of every partition of {@code topic}
     * (transaction markers after it do not count: a consumer commits the record after the last it read).
     */
    boolean consumedToEnd(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> next = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records(topic)) {
                next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
            }
            for (var e : next.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                if (c == null || c.offset() < e.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    Map<String, SendLedgerEntry> ledgerEntries() {
        Map<String, SendLedgerEntry> latest = new HashMap<>();
        var d = Topics.SENDER_LEDGER.valueSerde(Map.of("schema.registry.url", infra.schemaRegistryUrl())).deserializer();
        for (ConsumerRecord<String, byte[]> r : records(topic(Topics.SENDER_LEDGER))) {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), d.deserialize(r.topic(), r.value()));
            }
        }
        return latest;
    }

    <V extends SpecificRecord> List<V> values(TopicSpec<V> spec) {
        var d = spec.valueSerde(Map.of("schema.registry.url", infra.schemaRegistryUrl())).deserializer();
        return records(topic(spec)).stream().filter(r -> r.value() != null)
                .map(r -> d.deserialize(r.topic(), r.value())).toList();
    }

    List<ConsumerRecord<String, byte[]>> records(String topic) {
        Map<String, Object> p = infra.broker().consumerProperties("unused");
        p.remove("group.id");
        return TopicReader.readToEnd(p, topic, Duration.ofSeconds(60));
    }

    /** messageId → how many times the simulator accepted it. */
    Map<String, Long> acceptedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (SentMessage m : sim.accepted()) {
            counts.merge(Objects.requireNonNullElse(m.bizOpaqueCallbackData(), "?"), 1L, Long::sum);
        }
        return counts;
    }

    /** Like {@link #await}, and on a timeout says how far each topic and group got. */
    void awaitOr(String what, Duration timeout, BooleanSupplier condition) {
        try {
            await(what, timeout, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + describe(), e);
        }
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        try {
            for (TopicSpec<?> spec : Topics.ALL) {
                out.append(spec.name()).append('=').append(endOffsets(topic(spec)).values().stream().mapToLong(Long::longValue).sum()).append(' ');
            }
            out.append("notifier ").append(groupState(notifierGroup)).append(' ')
                    .append(admin.listConsumerGroupOffsets(notifierGroup).partitionsToOffsetAndMetadata().get()).append(' ');
            out.append("sender ").append(groupState(senderGroup)).append(' ')
                    .append(admin.listConsumerGroupOffsets(senderGroup).partitionsToOffsetAndMetadata().get()).append(' ');
            out.append("accepted ").append(sim.accepted().size()).append(" rejections ").append(sim.rejectionCounts());
        } catch (Exception e) {
            out.append(e);
        }
        return out.toString();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        dev.appcare.testkit.Await.until(what, timeout, condition);
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.close();
        }
        if (notifier != null) {
            notifier.close();
        }
        producer.close(Duration.ofSeconds(5));
        admin.close();
        sim.close();
    }
}
