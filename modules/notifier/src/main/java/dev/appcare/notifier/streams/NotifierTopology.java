package dev.appcare.notifier.streams;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.serde.AvroSerde;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.NotifierConfig;
import dev.appcare.notifier.avro.BudgetState;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerMemory;
import dev.appcare.notifier.avro.PassengerNotice;
import dev.appcare.notifier.avro.RosterEntry;
import dev.appcare.model.rules.InputRules;
import dev.appcare.model.rules.Rejection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The notifier's Kafka Streams topology: flight-status events, boarding passes, bookings and preferences
 * in; one {@code WhatsAppRequest} per traveller and message out, keyed by the recipient's phone; bad
 * input to the dead-letter topic. Run it with {@code processing.guarantee=exactly_once_v2}
 * ({@link dev.appcare.notifier.NotifierApp}).
 *
 * <pre>
 *  booking.passenger-segment.v1 (key traveller|flight)           flight.status.v1 (key flight)
 *        |                                                              |
 *   [passenger-segment-decode] --bad--> DLQ                   [flight-status-decode] --bad--> DLQ
 *        | re-key by flight                                             |
 *   == segments-by-flight (repartition) ==              == flight-status-by-flight (repartition) ==
 *        v                                                              v
 *   [roster-update] --> (flight-roster) <--- prefix scan flight|* --- [flight-fan-out] <--> (flight-state)
 *                        active passengers only                         |  stale? unchanged?
 *                                                                       |  1 notice per passenger, key traveller
 *                                                      == passenger-notices (repartition) ==
 *                                                                       v
 *  traveller.preference.v1 (key traveller)          .-------------> [passenger-notify] -----------.
 *   [traveller-preference-decode] --bad--> DLQ      | consent,         (passenger-memory):         |
 *   == preferences-by-traveller (repartition) ==    | phone, locale    what each one was told      |
 *   [preference-update] --> (traveller-preferences) +                                              v
 *                                                   '-------------> [boarding-pass-notify] --> notify.whatsapp-request.v1
 *                                                                       ^                      (key recipient phone)
 *                                                   == boarding-passes-by-traveller (repartition) ==
 *                                                   [boarding-pass-decode] --bad--> DLQ
 *                                                   flight.boarding-pass.v1 (key traveller)
 * </pre>
 *
 * <h2>Why every input is repartitioned</h2>
 * Joins by partition only work if the producer put each key where Java's partitioner would (murmur2).
 * Airline systems are written in every language, and librdkafka's default partitioner (C/C++, Python, Go,
 * .NET, Node) hashes with CRC32: a flight event would then meet an empty roster in another task and reach
 * nobody, without an error. So the notifier never relies on where a producer put a record: each input is
 * decoded (bad input is dead-lettered with its source coordinates) and then written once more, keyed as
 * the join needs it, to a repartition topic of its own, sized by the notifier
 * ({@code notifier.partitions.flight} / {@code .traveller}). The cost is one internal write per input
 * record, small next to the fan-out. A record found on another partition than murmur2 gives its key is
 * counted ({@code appcare_notifier_misplaced_records_total{topic}}) so operators can see such a producer.
 *
 * <h2>Why a passengers-by-flight roster and two hops</h2>
 * A flight event must reach every passenger of the flight, and what each passenger gets depends on
 * traveller-keyed data (consent, phone, language, what they were told). The flight side holds, per flight
 * partition, the flight's last applied state and its roster (a prefix-scannable store keyed
 * {@code flightKey|travellerKey}, co-partitioned with the flight events by the {@code segments-by-flight} and
 * {@code flight-status-by-flight} repartitions). A change is fanned out with one prefix scan to one notice per
 * passenger, and the notices are repartitioned by traveller to meet the preferences and the per-passenger
 * memory. Alternatives considered:
 * <ul>
 *   <li>Foreign-key table join (segments -&gt; flights): it re-emits on every booking change (a booking must
 *       not send anything by itself), it cannot see "what changed" or order events by sequence, and every
 *       flight event would update one joined row per passenger (450 table updates, each with a subscription
 *       round trip), where the roster does one scan.</li>
 *   <li>A global preference table joined on the flight side (no second hop): every instance would hold
 *       every phone number, invalid preferences could not be dead-lettered (a global store's processor
 *       cannot forward), and opt-outs would not be ordered with the flight events they must precede.</li>
 *   <li>One aggregated list value per flight: a 450-passenger list rewritten (and changelogged) on every
 *       booking change; the roster writes one small entry.</li>
 * </ul>
 * The measured cost of this design (writes per request, throughput against the broker) is in {@code docs/benchmarks.md}.
 *
 * <p>Every processor, store and internal topic is named (and {@code ensure.explicit.internal.resource.naming},
 * set on the builder, enforces it): a renamed store or repartition topic would silently lose state in production, which is why a
 * test pins {@code describe()}.
 */
public final class NotifierTopology {
    /** The contract topics the notifier reads; their partition counts size its repartition topics. */
    public static final List<TopicSpec<?>> INPUTS = List.of(Topics.FLIGHT_STATUS, Topics.BOARDING_PASS,
            Topics.PASSENGER_SEGMENT, Topics.TRAVELLER_PREFERENCE);
    public static final String FLIGHT_STATE_STORE = "flight-state";
    public static final String FLIGHT_ROSTER_STORE = "flight-roster";
    public static final String PREFERENCES_STORE = "traveller-preferences";
    public static final String PASSENGER_MEMORY_STORE = "passenger-memory";
    /** N12: per traveller and flight, what was sent lately and the update held back. */
    public static final String BUDGET_STORE = "message-budget";
    /** N12: held-back updates by due time ({@code %013d|traveller|flight}), read by a wall-clock punctuation. */
    public static final String BUDGET_DUE_STORE = "budget-due";
    /** N13: check-in openings by time ({@code %013d|flightKey}), read by a wall-clock punctuation on the flight side. */
    public static final String CHECKIN_DUE_STORE = "checkin-due";
    public static final String SEGMENTS_BY_FLIGHT = "segments-by-flight";
    public static final String PASSENGER_NOTICES = "passenger-notices";
    public static final String FLIGHT_STATUS_BY_FLIGHT = "flight-status-by-flight";
    public static final String PREFERENCES_BY_TRAVELLER = "preferences-by-traveller";
    public static final String BOARDING_PASSES_BY_TRAVELLER = "boarding-passes-by-traveller";
    /** Every repartition topic (as {@code <application id>-<name>-repartition}). */
    public static final List<String> REPARTITIONS = List.of(SEGMENTS_BY_FLIGHT,
            FLIGHT_STATUS_BY_FLIGHT, PASSENGER_NOTICES, PREFERENCES_BY_TRAVELLER, BOARDING_PASSES_BY_TRAVELLER);

    private NotifierTopology() {
    }

    public static Topology build(NotifierConfig config) {
        if (config.flightPartitions() < 1 || config.travellerPartitions() < 1) {
            throw new IllegalArgumentException("resolve the partition counts before building the topology (flight "
                    + config.flightPartitions() + ", traveller " + config.travellerPartitions() + ")");
        }
        TopicNames topics = config.topics();
        StreamsBuilder builder = newBuilder();
        Serde<String> strings = Serdes.String();
        Serde<DeadLetter> deadLetters = AvroSerde.forValues(DeadLetter.class, config.serdeConfig());
        Serde<WhatsAppRequest> requestSerde = AvroSerde.forValues(WhatsAppRequest.class, config.serdeConfig());
        Serde<NotifierDecision> decisionSerde = AvroSerde.forValues(NotifierDecision.class, config.serdeConfig());
        Serde<RosterEntry> rosterSerde = InternalSerde.of(RosterEntry.getEncoder(), RosterEntry.getDecoder());
        Serde<PassengerNotice> noticeSerde = InternalSerde.of(PassengerNotice.getEncoder(), PassengerNotice.getDecoder());
        Serde<FlightStatusEvent> flightEventSerde = InternalSerde.of(FlightStatusEvent.getEncoder(), FlightStatusEvent.getDecoder());
        Serde<TravellerPreference> preferenceSerde = InternalSerde.of(TravellerPreference.getEncoder(),
                TravellerPreference.getDecoder());
        Serde<BoardingPassIssued> passSerde = InternalSerde.of(BoardingPassIssued.getEncoder(), BoardingPassIssued.getDecoder());

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FLIGHT_STATE_STORE),
                strings, InternalSerde.of(FlightView.getEncoder(), FlightView.getDecoder())));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FLIGHT_ROSTER_STORE),
                strings, rosterSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PREFERENCES_STORE),
                strings, InternalSerde.of(TravellerPreference.getEncoder(), StoredPreferences.decoder())));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PASSENGER_MEMORY_STORE),
                strings, InternalSerde.of(PassengerMemory.getEncoder(), PassengerMemory.getDecoder())));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUDGET_STORE),
                strings, InternalSerde.of(BudgetState.getEncoder(), BudgetState.getDecoder())));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUDGET_DUE_STORE), strings, strings));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHECKIN_DUE_STORE), strings, strings));

        NotifierMetrics metrics = config.metrics();
        PassengerMessaging messaging = PassengerMessaging.from(config);

        // Bookings -> the passengers-by-flight roster, in the flight's partition.
        read(builder, config, deadLetters, topics.name(Topics.PASSENGER_SEGMENT), "passenger-segment", PassengerSegment.class,
                InputRules::passengerSegment)
                .map((key, segment) -> KeyValue.pair(StateRetention.afterBar(key), rosterEntry(key, segment)),
                        Named.as("segment-to-roster-entry"))
                .repartition(Repartitioned.<String, RosterEntry>as(SEGMENTS_BY_FLIGHT)
                        .withKeySerde(strings).withValueSerde(rosterSerde)
                        .withNumberOfPartitions(config.flightPartitions()))
                .process(RosterProcessor::new, Named.as("roster-update"), FLIGHT_ROSTER_STORE);

        // Flight events -> the flight's partition (whatever partitioner wrote them) -> one notice per passenger
        // -> the traveller's partition -> requests. Each step also writes its decisions (N11).
        Outputs<PassengerNotice> fanOut = outputs(read(builder, config, deadLetters, topics.name(Topics.FLIGHT_STATUS),
                "flight-status", FlightStatusEvent.class, InputRules::flightStatus)
                .repartition(Repartitioned.<String, FlightStatusEvent>as(FLIGHT_STATUS_BY_FLIGHT)
                        .withKeySerde(strings).withValueSerde(flightEventSerde)
                        .withNumberOfPartitions(config.flightPartitions()))
                .process(() -> new FlightFanOutProcessor(metrics, config.stateRetention(), topics.name(Topics.FLIGHT_STATUS),
                        config.checkIn()), Named.as("flight-fan-out"), FLIGHT_STATE_STORE, FLIGHT_ROSTER_STORE,
                        CHECKIN_DUE_STORE), "flight-fan-out", PassengerNotice.class);
        Outputs<WhatsAppRequest> flightRequests = outputs(fanOut.main()
                .repartition(Repartitioned.<String, PassengerNotice>as(PASSENGER_NOTICES)
                        .withKeySerde(strings).withValueSerde(noticeSerde)
                        .withNumberOfPartitions(config.travellerPartitions()))
                .process(() -> new PassengerNoticeProcessor(messaging, topics.name(Topics.FLIGHT_STATUS),
                        config.stateRetention(), config.budget()), Named.as("passenger-notify"), PREFERENCES_STORE,
                        PASSENGER_MEMORY_STORE, BUDGET_STORE, BUDGET_DUE_STORE),
                "passenger-notify", WhatsAppRequest.class);

        // Preferences -> the traveller's partition -> the preference table (consent, phone, locale), read at emit
        // time. Tombstones (erasure) travel through the repartition topic as tombstones.
        read(builder, config, deadLetters, topics.name(Topics.TRAVELLER_PREFERENCE), "traveller-preference",
                TravellerPreference.class, InputRules::travellerPreference)
                .repartition(Repartitioned.<String, TravellerPreference>as(PREFERENCES_BY_TRAVELLER)
                        .withKeySerde(strings).withValueSerde(preferenceSerde)
                        .withNumberOfPartitions(config.travellerPartitions()))
                .process(PreferenceProcessor::new, Named.as("preference-update"), PREFERENCES_STORE, PASSENGER_MEMORY_STORE,
                        BUDGET_STORE, BUDGET_DUE_STORE);

        // Boarding passes are keyed by traveller, but a producer's partitioner may not be Java's: they are
        // repartitioned too, to meet the preferences in the traveller's partition.
        Outputs<WhatsAppRequest> passRequests = outputs(read(builder, config, deadLetters, topics.name(Topics.BOARDING_PASS),
                "boarding-pass", BoardingPassIssued.class, InputRules::boardingPass)
                .repartition(Repartitioned.<String, BoardingPassIssued>as(BOARDING_PASSES_BY_TRAVELLER)
                        .withKeySerde(strings).withValueSerde(passSerde)
                        .withNumberOfPartitions(config.travellerPartitions()))
                .process(() -> new BoardingPassProcessor(messaging, topics.name(Topics.BOARDING_PASS)),
                        Named.as("boarding-pass-notify"), PREFERENCES_STORE, PASSENGER_MEMORY_STORE),
                "boarding-pass-notify", WhatsAppRequest.class);

        flightRequests.main().merge(passRequests.main(), Named.as("requests-merge"))
                .to(topics.name(Topics.WHATSAPP_REQUEST), Produced.with(strings, requestSerde).withName("whatsapp-request-sink"));
        // The decision log (N11): written by the same tasks, so in the same exactly-once transaction as the
        // requests (or notices) it explains. Two sinks, not a merge: a merge would fuse the flight-keyed and
        // the traveller-keyed sub-topologies into one.
        fanOut.decisions().to(topics.name(Topics.NOTIFIER_DECISION),
                Produced.with(strings, decisionSerde).withName("flight-decision-sink"));
        flightRequests.decisions().merge(passRequests.decisions(), Named.as("passenger-decisions-merge"))
                .to(topics.name(Topics.NOTIFIER_DECISION),
                        Produced.with(strings, decisionSerde).withName("passenger-decision-sink"));
        return builder.build();
    }

    /**
     * A builder that refuses generated names. The check runs in {@code StreamsBuilder.build()} against the
     * builder's own {@link TopologyConfig}; a plain {@code new StreamsBuilder()} has it off whatever the
     * application's properties say. Only this one topology-level setting is given here: Kafka Streams
     * replaces the rest with the application's configuration when the topology is started.
     */
    static StreamsBuilder newBuilder() {
        Properties overrides = new Properties();
        overrides.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        Properties base = new Properties();
        base.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-topology");
        base.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        base.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        base.putAll(overrides);
        return new StreamsBuilder(new TopologyConfig(null, new StreamsConfig(base), overrides));
    }

    /**
     * Reads a topic as bytes, decodes and validates each record ({@link DecodeProcessor}), sends the
     * rejected ones to the dead-letter topic and returns the accepted values (null for tombstones).
     */
    private static <T extends SpecificRecord> KStream<String, T> read(StreamsBuilder builder, NotifierConfig config,
            Serde<DeadLetter> deadLetters, String topic, String name, Class<T> type,
            BiFunction<String, T, Optional<Rejection>> validator) {
        KStream<String, Decoded<T>> decoded = builder
                .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(DecodeProcessor.supplier(type, config.serdeConfig(), validator, config.metrics(), config.clock(),
                                config.inputPartitions(topic)),
                        Named.as(name + "-decode"));
        Map<String, KStream<String, Decoded<T>>> branches = decoded.split(Named.as(name + "-"))
                .branch((key, value) -> value.isRejected(), Branched.as("rejected"))
                .defaultBranch(Branched.as("accepted"));
        branches.get(name + "-rejected")
                .mapValues(Decoded::deadLetter, Named.as(name + "-dead-letter"))
                .to(config.topics().name(Topics.NOTIFIER_DLQ),
                        Produced.with(Serdes.String(), deadLetters).withName(name + "-dlq-sink"));
        return branches.get(name + "-accepted").mapValues(Decoded::value, Named.as(name + "-value"));
    }

    /** What a deciding processor writes: its main output and its decisions (N11), split by type. */
    record Outputs<T>(KStream<String, T> main, KStream<String, NotifierDecision> decisions) {
    }

    private static <T> Outputs<T> outputs(KStream<String, SpecificRecord> out, String name, Class<T> mainType) {
        Map<String, KStream<String, SpecificRecord>> branches = out.split(Named.as(name + "-"))
                .branch((key, value) -> value instanceof NotifierDecision, Branched.as("decisions"))
                .defaultBranch(Branched.as("output"));
        return new Outputs<>(
                branches.get(name + "-output").mapValues(mainType::cast, Named.as(name + "-output-value")),
                branches.get(name + "-decisions").mapValues(NotifierDecision.class::cast, Named.as(name + "-decision-value")));
    }

    /** A segment (or its tombstone, key {@code travellerKey|flightKey}) as a roster change. */
    static RosterEntry rosterEntry(String key, PassengerSegment segment) {
        if (segment == null) {
            return new RosterEntry(StateRetention.beforeBar(key), StateRetention.afterBar(key), false, null, null);
        }
        return new RosterEntry(segment.getTravellerKey(), segment.getFlightKey(),
                segment.getStatus() == SegmentStatus.ACTIVE, segment.getGivenName(), segment.getFamilyName());
    }
}
