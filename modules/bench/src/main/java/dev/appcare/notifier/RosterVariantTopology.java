package dev.appcare.notifier;

import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.MessageIds;
import dev.appcare.model.serde.AvroSerde;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerMemory;
import dev.appcare.notifier.avro.RosterEntry;
import dev.appcare.notifier.rules.FlightChangeDetector;
import dev.appcare.notifier.rules.FlightViews;
import dev.appcare.notifier.rules.NotificationPlanner.Plan;
import dev.appcare.notifier.rules.NotificationPlanner.PlannedMessage;
import dev.appcare.notifier.streams.InternalSerde;
import dev.appcare.notifier.streams.PassengerMessaging;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Benchmark only, never run in production: a design alternative measured side by side with
 * {@link dev.appcare.notifier.streams.NotifierTopology} by scripts/bench. Consent, phone and locale are copied
 * into the flight's roster, and what passengers were told is kept once per flight and consent group, so a
 * flight event is answered entirely in the flight's partition: one prefix scan, one plan per consent group,
 * one request per passenger, one memory write per group — no per-passenger notice, no second hop, no
 * per-passenger memory write.
 * <ul>
 *   <li>cold path: bookings and preferences meet in the traveller's partition ({@code v-segments-by-traveller},
 *       {@code v-preferences-by-traveller}), which sends each of the traveller's roster rows (booking + current
 *       preference, or none after an erasure tombstone) to the flight's partition ({@code v-roster-by-flight},
 *       keyed by the flight);</li>
 *   <li>hot path: {@code v-flight-status-by-flight} → {@code v-flight-fan-out} → requests.</li>
 * </ul>
 * What it leaves out (so its figures are an upper bound for the design, not a finished role): no dead-letter
 * branch (input is decoded by the Avro serde; a bad record would stop it), no state retention sweep, no
 * metrics; and a passenger booked after a flight's message shares the group's memory, so they would not be
 * told a change the group already heard (the production design remembers per passenger). Supersedes-ids are
 * derived per passenger from the group's last (kind, event) per message family, as {@link MessageIds} does.
 */
public final class RosterVariantTopology {
    static final String ROSTER = "v-roster";
    static final String FLIGHT_STATE = "v-flight-state";
    static final String GROUP_MEMORY = "v-group-memory";
    static final String TRAVELLER_PREFERENCES = "v-traveller-preferences";
    static final String TRAVELLER_FLIGHTS = "v-traveller-flights";

    private RosterVariantTopology() {
    }

    /** A roster row: the booking and, if the traveller opted in and was not erased, their preference. */
    record Row(RosterEntry entry, TravellerPreference preference) {
    }

    public static Topology build(NotifierConfig config) {
        TopicNames topics = config.topics();
        StreamsBuilder builder = new StreamsBuilder();
        Serde<String> strings = Serdes.String();
        InternalSerde<RosterEntry> entries = InternalSerde.of(RosterEntry.getEncoder(), RosterEntry.getDecoder());
        InternalSerde<TravellerPreference> preferences = InternalSerde.of(TravellerPreference.getEncoder(), TravellerPreference.getDecoder());
        InternalSerde<FlightStatusEvent> events = InternalSerde.of(FlightStatusEvent.getEncoder(), FlightStatusEvent.getDecoder());
        Serde<Row> rows = new RowSerde(entries, preferences);
        Serde<TravellerInput> travellerInputs = new TravellerInputSerde(entries, preferences);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ROSTER), strings, rows));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FLIGHT_STATE), strings,
                InternalSerde.of(FlightView.getEncoder(), FlightView.getDecoder())));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GROUP_MEMORY), strings,
                InternalSerde.of(PassengerMemory.getEncoder(), PassengerMemory.getDecoder())));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRAVELLER_PREFERENCES), strings, preferences));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRAVELLER_FLIGHTS), strings, entries));

        var segments = builder.stream(topics.name(Topics.PASSENGER_SEGMENT), Consumed.with(strings,
                        AvroSerde.forValues(PassengerSegment.class, config.serdeConfig())).withName("v-passenger-segment-source"))
                .map((key, segment) -> KeyValue.pair(key.substring(0, key.indexOf('|')), new TravellerInput(entry(key, segment), null, false)),
                        Named.as("v-segment-to-traveller"));
        var prefs = builder.stream(topics.name(Topics.TRAVELLER_PREFERENCE), Consumed.with(strings,
                        AvroSerde.forValues(TravellerPreference.class, config.serdeConfig())).withName("v-traveller-preference-source"))
                .mapValues(preference -> new TravellerInput(null, preference, true), Named.as("v-preference-to-traveller"));
        segments.merge(prefs, Named.as("v-traveller-inputs"))
                .repartition(Repartitioned.<String, TravellerInput>as("v-inputs-by-traveller").withKeySerde(strings)
                        .withValueSerde(travellerInputs).withNumberOfPartitions(config.travellerPartitions()))
                .process(TravellerJoin::new, Named.as("v-traveller-join"), TRAVELLER_PREFERENCES, TRAVELLER_FLIGHTS)
                .repartition(Repartitioned.<String, Row>as("v-roster-by-flight").withKeySerde(strings).withValueSerde(rows)
                        .withNumberOfPartitions(config.flightPartitions()))
                .process(RosterUpdate::new, Named.as("v-roster-update"), ROSTER);

        PassengerMessaging messaging = PassengerMessaging.from(config);
        builder.stream(topics.name(Topics.FLIGHT_STATUS),
                        Consumed.with(strings, AvroSerde.forValues(FlightStatusEvent.class, config.serdeConfig()))
                        .withName("v-flight-status-source"))
                .repartition(Repartitioned.<String, FlightStatusEvent>as("v-flight-status-by-flight").withKeySerde(strings)
                        .withValueSerde(events).withNumberOfPartitions(config.flightPartitions()))
                .process(() -> new FanOut(messaging, topics.name(Topics.FLIGHT_STATUS)), Named.as("v-flight-fan-out"),
                        FLIGHT_STATE, ROSTER, GROUP_MEMORY)
                .to(topics.name(Topics.WHATSAPP_REQUEST),
                        Produced.with(strings, AvroSerde.forValues(WhatsAppRequest.class, config.serdeConfig()))
                        .withName("v-whatsapp-request-sink"));
        return builder.build();
    }

    private static RosterEntry entry(String key, PassengerSegment segment) {
        String traveller = key.substring(0, key.indexOf('|'));
        String flight = key.substring(key.indexOf('|') + 1);
        return segment == null ? new RosterEntry(traveller, flight, false, null, null)
                : new RosterEntry(traveller, flight, segment.getStatus() == SegmentStatus.ACTIVE, segment.getGivenName(), segment.getFamilyName());
    }

    /** A booking change or a preference (null = erased), on its way to the traveller's partition. */
    record TravellerInput(RosterEntry entry, TravellerPreference preference, boolean isPreference) {
    }

    /** Traveller side (cold path): keeps the traveller's flights and preference; sends each flight its roster row. */
    static final class TravellerJoin implements Processor<String, TravellerInput, String, Row> {
        private ProcessorContext<String, Row> context;
        private KeyValueStore<String, TravellerPreference> preferences;
        private KeyValueStore<String, RosterEntry> flights;

        @Override
        public void init(ProcessorContext<String, Row> context) {
            this.context = context;
            this.preferences = context.getStateStore(TRAVELLER_PREFERENCES);
            this.flights = context.getStateStore(TRAVELLER_FLIGHTS);
        }

        @Override
        public void process(Record<String, TravellerInput> record) {
            String traveller = record.key();
            TravellerInput input = record.value();
            if (input.isPreference()) {
                if (input.preference() == null) {
                    preferences.delete(traveller);
                } else {
                    preferences.put(traveller, input.preference());
                }
                try (KeyValueIterator<String, RosterEntry> mine = flights.prefixScan(traveller + "|", new StringSerializer())) {
                    while (mine.hasNext()) {
                        RosterEntry entry = mine.next().value;
                        context.forward(record.withKey(entry.getFlightKey()).withValue(new Row(entry, input.preference())));
                    }
                }
            } else {
                RosterEntry entry = input.entry();
                String key = traveller + "|" + entry.getFlightKey();
                if (entry.getActive()) {
                    flights.put(key, entry);
                } else {
                    flights.delete(key);
                }
                context.forward(record.withKey(entry.getFlightKey()).withValue(new Row(entry, preferences.get(traveller))));
            }
        }
    }

    /**
     * Flight side (cold path): the roster row, or its removal, stored under {@code flight|traveller}. The row
     * arrives keyed by the flight alone, so it lands on the partition the flight's events are repartitioned to
     * (both by the default partitioner of the flight key). Keyed {@code flight|traveller} on the wire, as the
     * first version of this variant was, a row went to the partition of that composite key's hash: only about
     * one row in six was in the task that fans the flight out, and its first storm sent 570 of 3,351 requests.
     */
    static final class RosterUpdate implements Processor<String, Row, Void, Void> {
        private KeyValueStore<String, Row> roster;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.roster = context.getStateStore(ROSTER);
        }

        @Override
        public void process(Record<String, Row> record) {
            String key = record.key() + "|" + record.value().entry().getTravellerKey();
            if (record.value().entry().getActive()) {
                roster.put(key, record.value());
            } else {
                roster.delete(key);
            }
        }
    }

    /**
     * Flight side (hot path): one scan of the roster, one plan per consent group, one request per passenger.
     * Who may be told what is the production traveller side's rule ({@link PassengerMessaging}: refusal, then
     * consent and template per kind, N5), read from the preference copied into the roster.
     */
    static final class FanOut implements Processor<String, FlightStatusEvent, String, WhatsAppRequest> {
        private static final StringSerializer KEYS = new StringSerializer();
        private static final String GROUP_TRAVELLER = "GROUP/0";
        private final PassengerMessaging messaging;
        private final String sourceTopic;
        private ProcessorContext<String, WhatsAppRequest> context;
        private KeyValueStore<String, FlightView> flightState;
        private KeyValueStore<String, Row> roster;
        private KeyValueStore<String, PassengerMemory> memories;

        FanOut(PassengerMessaging messaging, String sourceTopic) {
            this.messaging = messaging;
            this.sourceTopic = sourceTopic;
        }

        @Override
        public void init(ProcessorContext<String, WhatsAppRequest> context) {
            this.context = context;
            this.flightState = context.getStateStore(FLIGHT_STATE);
            this.roster = context.getStateStore(ROSTER);
            this.memories = context.getStateStore(GROUP_MEMORY);
        }

        @Override
        public void process(Record<String, FlightStatusEvent> record) {
            FlightView flight = FlightViews.of(record.value());
            FlightChangeDetector.Verdict verdict = FlightChangeDetector.compare(flightState.get(record.key()), flight);
            if (verdict == FlightChangeDetector.Verdict.STALE) {
                return;
            }
            flightState.put(record.key(), flight);
            if (verdict != FlightChangeDetector.Verdict.CHANGED) {
                return;
            }
            Map<String, Plan> plans = new HashMap<>();
            Map<String, PassengerMemory> previous = new HashMap<>();
            try (KeyValueIterator<String, Row> passengers = roster.prefixScan(record.key() + "|", KEYS)) {
                while (passengers.hasNext()) {
                    Row row = passengers.next().value;
                    TravellerPreference preference = row.preference();
                    if (PassengerMessaging.refusal(preference, flight.getScheduledDeparture()) != null) {
                        continue;
                    }
                    String group = record.key() + "|" + new TreeSet<>(preference.getKinds());
                    Plan plan = plans.computeIfAbsent(group, g -> {
                        PassengerMemory before = memories.get(g);
                        previous.put(g, before);
                        return messaging.planner().plan(flight, GROUP_TRAVELLER, before, kind -> messaging.allowed(preference, kind));
                    });
                    for (PlannedMessage message : plan.messages()) {
                        PlannedMessage mine = new PlannedMessage(message.kind(),
                                MessageIds.derive(message.kind(), flight.getEventId(), row.entry().getTravellerKey()),
                                supersedes(message.supersedes(), row.entry().getTravellerKey()), message.departure(), message.expiresAt());
                        WhatsAppRequest request = messaging.requests().flightRequest(mine, flight, row.entry().getGivenName(),
                                row.entry().getFamilyName(), preference, sourceTopic);
                        context.forward(record.withKey(request.getRecipient()).withValue(request));
                    }
                }
            }
            // One memory write per consent group: the family's last message as "KIND|eventId", so each passenger's
            // supersedes-id can be derived (MessageIds) without a per-passenger record.
            plans.forEach((group, plan) -> {
                if (plan.messages().isEmpty()) {
                    return;
                }
                Map<String, String> last = new HashMap<>(previous.get(group) == null ? Map.of() : previous.get(group).getLastMessageIds());
                for (PlannedMessage message : plan.messages()) {
                    last.put(dev.appcare.notifier.rules.MessageFamily.of(message.kind()).name(), message.kind().name() + "|" + flight.getEventId());
                }
                memories.put(group, PassengerMemory.newBuilder(plan.memory()).setLastMessageIds(last).build());
            });
        }

        private static String supersedes(String kindAndEvent, String traveller) {
            if (kindAndEvent == null) {
                return null;
            }
            int bar = kindAndEvent.indexOf('|');
            return MessageIds.derive(MessageKind.valueOf(kindAndEvent.substring(0, bar)), kindAndEvent.substring(bar + 1), traveller);
        }
    }

    /** Two length-prefixed internal records in one value (the variant has no Avro type of its own). */
    private static byte[] pair(byte[] first, byte[] second) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + first.length + (second == null ? 0 : second.length));
        buffer.putInt(first.length).put(first).putInt(second == null ? -1 : second.length);
        if (second != null) {
            buffer.put(second);
        }
        return buffer.array();
    }

    private static byte[][] unpair(byte[] data) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        byte[] first = new byte[buffer.getInt()];
        buffer.get(first);
        int length = buffer.getInt();
        byte[] second = length < 0 ? null : new byte[length];
        if (second != null) {
            buffer.get(second);
        }
        return new byte[][] {first, second};
    }

    record RowSerde(InternalSerde<RosterEntry> entries, InternalSerde<TravellerPreference> preferences) implements Serde<Row> {
        @Override
        public Serializer<Row> serializer() {
            return (topic, row) -> row == null ? null : pair(entries.serializer().serialize(topic, row.entry()),
                    row.preference() == null ? null : preferences.serializer().serialize(topic, row.preference()));
        }

        @Override
        public Deserializer<Row> deserializer() {
            return (topic, data) -> {
                if (data == null) {
                    return null;
                }
                byte[][] parts = unpair(data);
                return new Row(entries.deserializer().deserialize(topic, parts[0]),
                        parts[1] == null ? null : preferences.deserializer().deserialize(topic, parts[1]));
            };
        }
    }

    record TravellerInputSerde(InternalSerde<RosterEntry> entries, InternalSerde<TravellerPreference> preferences)
            implements Serde<TravellerInput> {
        @Override
        public Serializer<TravellerInput> serializer() {
            return (topic, input) -> input.isPreference()
                    ? pair(new byte[0], input.preference() == null ? null : preferences.serializer().serialize(topic, input.preference()))
                    : pair(entries.serializer().serialize(topic, input.entry()), null);
        }

        @Override
        public Deserializer<TravellerInput> deserializer() {
            return (topic, data) -> {
                byte[][] parts = unpair(data);
                return parts[0].length == 0
                        ? new TravellerInput(null, parts[1] == null ? null : preferences.deserializer().deserialize(topic, parts[1]), true)
                        : new TravellerInput(entries.deserializer().deserialize(topic, parts[0]), null, false);
            };
        }
    }

}
