package dev.appcare.care.streams;

import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareConfig;
import dev.appcare.care.rules.CareRequests;
import dev.appcare.model.serde.AvroSerde;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Care's Kafka Streams topology: traveller messages and agent replies in; acknowledgements, agent answers
 * (WhatsApp requests for the sender) and hand-offs for the agent desk out. Run it with
 * {@code processing.guarantee=exactly_once_v2} ({@link dev.appcare.care.CareApp}).
 *
 * <pre>
 *  notify.whatsapp-request.v1 (key phone)   care.inbound.v1 (key phone)      care.agent-reply.v1 (key phone)
 *        |                                       |                                  |
 *  [whatsapp-request-source]               [care-inbound-source]             [agent-reply-source]
 *        v                                       v                                  v
 *  [sent-history] --> (care-phone-history) <-- [inbound-answer] --> (care-conversations) <-- [agent-reply-route]
 *                                              |   |   reads {care-flights} {care-segments}      |   |
 *                                              |   '--------------.  .---------------------------'   |
 *                                              v                   v  v                              v
 *                                  [whatsapp-request-sink]      [handoff-sink]            [dead-letter-sink]
 *                                  notify.whatsapp-request.v1   care.handoff.v1            care.dlq.v1
 *
 *  global: flight.status.v1 -> [flight-status-store-update] -> {care-flights}   (latest event per flight, raw)
 *          booking.passenger-segment.v1 -> [passenger-segment-store-update] -> {care-segments} (prefix scan by traveller)
 *          traveller.preference.v1 -> [traveller-preference-store-update] -> {care-travellers} (who is not erased)
 * </pre>
 *
 * <h2>Why these choices</h2>
 * <ul>
 *   <li>All three inputs are keyed by phone and meet in one task, so a conversation's messages, its agent
 *       replies and what AppCare sent the number are processed in order, with one state per number; their
 *       topics must be co-partitioned (the app checks the partition counts at start).</li>
 *   <li>Care learns who a number belongs to, and their language, from the requests AppCare sent it (they
 *       name the traveller and carry the preference's language), not from a second copy of the
 *       preferences: a number that never received anything is a stranger to care too.</li>
 *   <li>Flights and bookings are global stores: a question is about one traveller, whose flights can be on
 *       any partition; care only reads them, and holds them as the topics' raw bytes so a restore needs no
 *       processing. The cost is a copy of both topics on every instance, which a care desk's volume
 *       (messages, not events) can afford.</li>
 *   <li>An erasure is a tombstone keyed by traveller on {@code traveller.preference.v1}, while care's state is
 *       keyed by phone: the sweep (every {@code erasure.bound}/16, at most 10 minutes) deletes a number's
 *       conversation and history when a traveller its history names is absent from {@code care-travellers}
 *       at two sweeps in a row (the second look rules out a preference whose record is still on its way).
 *       The store is the topic's raw bytes, like the other global stores, and follows its tombstones.</li>
 *   <li>Processing-time decisions (service hours, the window, idle) read the injected clock; records keep
 *       the timestamp of the input that caused them.</li>
 * </ul>
 * Every node and store is named: a renamed store would lose its state in production, which is why a test
 * pins {@code describe()}.
 */
public final class CareTopology {
    public static final String CONVERSATIONS_STORE = "care-conversations";
    public static final String PHONE_HISTORY_STORE = "care-phone-history";
    public static final String FLIGHTS_STORE = "care-flights";
    public static final String SEGMENTS_STORE = "care-segments";
    public static final String TRAVELLERS_STORE = "care-travellers";
    static final String REQUEST_SINK = "whatsapp-request-sink";
    static final String HANDOFF_SINK = "handoff-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private CareTopology() {
    }

    public static Topology build(CareConfig config) {
        TopicNames topics = config.topics();
        StringDeserializer keys = new StringDeserializer();
        ByteArrayDeserializer bytes = new ByteArrayDeserializer();
        Topology topology = new Topology();

        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FLIGHTS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                "flight-status-source", keys, bytes, topics.name(Topics.FLIGHT_STATUS), "flight-status-store-update",
                () -> new RawStoreUpdate(FLIGHTS_STORE));
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEGMENTS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                "passenger-segment-source", keys, bytes, topics.name(Topics.PASSENGER_SEGMENT),
                "passenger-segment-store-update",
                () -> new RawStoreUpdate(SEGMENTS_STORE));

        topology.addSource("whatsapp-request-source", keys, bytes, topics.name(Topics.WHATSAPP_REQUEST));
        topology.addSource("care-inbound-source", keys, bytes, topics.name(Topics.CARE_INBOUND));
        topology.addSource("agent-reply-source", keys, bytes, topics.name(Topics.CARE_AGENT_REPLY));
        topology.addProcessor("sent-history", () -> new SentHistoryProcessor(config), "whatsapp-request-source");
        topology.addProcessor("inbound-answer", () -> new InboundProcessor(config), "care-inbound-source");
        topology.addProcessor("agent-reply-route", () -> new AgentReplyProcessor(config), "agent-reply-source");

        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONVERSATIONS_STORE),
                Serdes.String(), new JsonSerde<>(Conversation.class)), "inbound-answer", "agent-reply-route");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PHONE_HISTORY_STORE),
                Serdes.String(), new JsonSerde<>(PhoneHistory.class)), "sent-history", "inbound-answer", "agent-reply-route");

        StringSerializer keySerializer = new StringSerializer();
        topology.addSink(REQUEST_SINK, topics.name(Topics.WHATSAPP_REQUEST), keySerializer,
                AvroSerde.forValues(WhatsAppRequest.class, config.serdeConfig()).serializer(), "inbound-answer", "agent-reply-route");
        topology.addSink(HANDOFF_SINK, topics.name(Topics.CARE_HANDOFF), keySerializer,
                AvroSerde.forValues(CareHandoff.class, config.serdeConfig()).serializer(), "inbound-answer", "agent-reply-route");
        topology.addSink(DEAD_LETTER_SINK, topics.name(Topics.CARE_DLQ), keySerializer,
                AvroSerde.forValues(DeadLetter.class, config.serdeConfig()).serializer(),
                "sent-history", "inbound-answer", "agent-reply-route");
        // Added last so the task ids of the sub-topologies above stay as they were (state directories).
        // Erasure reaches care's phone-keyed state through this store: a traveller named in a number's
        // history who has no preference any more (the erasure's tombstone) gets that number's state deleted.
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRAVELLERS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                "traveller-preference-source", keys, bytes, topics.name(Topics.TRAVELLER_PREFERENCE),
                "traveller-preference-store-update",
                () -> new RawStoreUpdate(TRAVELLERS_STORE));
        return topology;
    }

    static CareRequests requests(CareConfig config) {
        return new CareRequests(config.topics().name(Topics.CARE_INBOUND), config.topics().name(Topics.CARE_AGENT_REPLY),
                config.catalogue().template(MessageKind.CARE_REPLY).orElseThrow().name());
    }
}
