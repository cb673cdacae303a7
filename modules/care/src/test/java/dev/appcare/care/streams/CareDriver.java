package dev.appcare.care.streams;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.InboundType;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.Priority;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareConfig;
import dev.appcare.care.MutableClock;
import dev.appcare.model.Keys;
import dev.appcare.model.serde.AvroSerde;
import dev.appcare.care.CareApp;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.StreamsRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** Care's real topology in a {@link TopologyTestDriver}, with the scenario's clock as care's and the driver's clock. */
final class CareDriver implements AutoCloseable {
    static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final AtomicInteger SCOPES = new AtomicInteger();

    final MutableClock clock;
    final CareConfig config;
    final TopologyTestDriver driver;
    private final Map<String, Object> serde;
    private final TestInputTopic<String, byte[]> inbound;
    private final TestInputTopic<String, byte[]> agentReplies;
    private final TestInputTopic<String, byte[]> requestsIn;
    private final TestInputTopic<String, byte[]> flights;
    private final TestInputTopic<String, byte[]> segments;
    private final TestInputTopic<String, byte[]> preferences;
    private final TestOutputTopic<String, WhatsAppRequest> requestsOut;
    private final TestOutputTopic<String, CareHandoff> handoffs;
    private final TestOutputTopic<String, DeadLetter> deadLetters;
    private int wamids;

    CareDriver(Instant start) {
        clock = new MutableClock(start);
        serde = Map.of("schema.registry.url", "mock://care-driver-" + SCOPES.incrementAndGet());
        config = CareConfig.defaults((String) serde.get("schema.registry.url")).withClock(clock);
        // Care's production Streams settings, pointed at no broker and at a state directory of this driver's.
        Properties properties = CareApp.streamsProperties(AppConfig.of(Map.of("kafka.bootstrap.servers", "unused:9092",
                StreamsRuntime.applicationIdKey(CareApp.ROLE), "care-test",
                StreamsRuntime.stateDirKey(CareApp.ROLE), Path.of("target", "care-driver-" + SCOPES.get()).toString())),
                config, 0);
        driver = new TopologyTestDriver(CareTopology.build(config), properties, start);
        var topics = config.topics();
        StringSerializer keys = new StringSerializer();
        ByteArraySerializer bytes = new ByteArraySerializer();
        inbound = driver.createInputTopic(topics.name(Topics.CARE_INBOUND), keys, bytes);
        agentReplies = driver.createInputTopic(topics.name(Topics.CARE_AGENT_REPLY), keys, bytes);
        requestsIn = driver.createInputTopic(topics.name(Topics.WHATSAPP_REQUEST), keys, bytes);
        flights = driver.createInputTopic(topics.name(Topics.FLIGHT_STATUS), keys, bytes);
        segments = driver.createInputTopic(topics.name(Topics.PASSENGER_SEGMENT), keys, bytes);
        preferences = driver.createInputTopic(topics.name(Topics.TRAVELLER_PREFERENCE), keys, bytes);
        StringDeserializer keyReader = new StringDeserializer();
        requestsOut = driver.createOutputTopic(topics.name(Topics.WHATSAPP_REQUEST), keyReader,
                AvroSerde.forValues(WhatsAppRequest.class, serde).deserializer());
        handoffs = driver.createOutputTopic(topics.name(Topics.CARE_HANDOFF), keyReader, AvroSerde.forValues(CareHandoff.class, serde).deserializer());
        deadLetters = driver.createOutputTopic(topics.name(Topics.CARE_DLQ), keyReader, AvroSerde.forValues(DeadLetter.class, serde).deserializer());
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> byte[] bytes(String topic, T value) {
        return AvroSerde.forValues((Class<T>) value.getClass(), serde).serializer().serialize(topic, value);
    }

    /** The traveller writes now (by the scenario clock); returns the wamid. */
    String text(String phone, String text) {
        return inbound(phone, InboundType.TEXT, text, null);
    }

    String inbound(String phone, InboundType type, String text, dev.appcare.avro.MediaReference media) {
        String wamid = "wamid.test-" + (++wamids);
        inbound(CareInboundMessage.newBuilder().setWamid(wamid).setFrom(phone).setReceivedAt(clock.instant())
                .setType(type).setText(text).setMedia(media).build());
        return wamid;
    }

    void inbound(CareInboundMessage message) {
        inbound.pipeInput(message.getFrom(), bytes(config.topics().name(Topics.CARE_INBOUND), message), clock.instant());
    }

    void rawInbound(String key, byte[] value) {
        inbound.pipeInput(key, value, clock.instant());
    }

    void agentReply(String phone, String replyId, String text, boolean close) {
        CareAgentReply reply = CareAgentReply.newBuilder().setReplyId(replyId).setPhone(phone).setAgentId("desk-7")
                .setText(text).setWrittenAt(clock.instant()).setCloseConversation(close).build();
        agentReply(reply);
    }

    /** A notification AppCare sent this number for this traveller (as the notifier would). */
    void sent(String phone, String travellerKey, String flightKey, String language, MessageKind kind, String template) {
        WhatsAppRequest request = WhatsAppRequest.newBuilder().setMessageId(kind.name().toLowerCase() + "-" + travellerKey)
                .setKind(kind).setRecipient(phone).setTemplateName(template).setLanguage(language).setParameters(List.of())
                .setPriority(Priority.NORMAL).setCreatedAt(clock.instant()).setExpiresAt(clock.instant().plus(Duration.ofHours(3)))
                .setCorrelation(Correlation.newBuilder().setTravellerKey(travellerKey).setFlightKey(flightKey).build()).build();
        sent(request);
    }

    void sent(WhatsAppRequest request) {
        requestsIn.pipeInput(request.getRecipient(), bytes(config.topics().name(Topics.WHATSAPP_REQUEST), request), clock.instant());
    }

    void agentReply(CareAgentReply reply) {
        agentReplies.pipeInput(reply.getPhone(), bytes(config.topics().name(Topics.CARE_AGENT_REPLY), reply), clock.instant());
    }

    /** The traveller's opt-in on traveller.preference.v1 (as the opt-in API writes it). */
    void optedIn(String travellerKey, String phone) {
        TravellerPreference preference = TravellerPreference.newBuilder().setTravellerKey(travellerKey).setPhoneE164(phone)
                .setLocale("nl").setStatus(OptInStatus.OPTED_IN).setKinds(List.of(MessageKind.GATE_CHANGE))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(clock.instant()).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(clock.instant()).build();
        preferences.pipeInput(travellerKey, bytes(config.topics().name(Topics.TRAVELLER_PREFERENCE), preference), clock.instant());
    }

    /** The erasure: the opt-in API's tombstone for the traveller. */
    void erased(String travellerKey) {
        preferences.pipeInput(travellerKey, null, clock.instant());
    }

    /** One run of the wall-clock sweep (retention and erasures). */
    void sweep() {
        driver.advanceWallClockTime(config.sweepInterval());
    }

    void booked(String travellerKey, String flightKey) {
        PassengerSegment segment = PassengerSegment.newBuilder().setTravellerKey(travellerKey).setFlightKey(flightKey)
                .setStatus(SegmentStatus.ACTIVE).setGivenName("Anna").setUpdatedAt(clock.instant()).build();
        segments.pipeInput(Keys.segmentKey(travellerKey, flightKey), bytes(config.topics().name(Topics.PASSENGER_SEGMENT), segment),
                clock.instant());
    }

    void flight(String flightKey, FlightStatus status, Instant scheduled, Instant estimated, String gate) {
        FlightStatusEvent event = FlightStatusEvent.newBuilder().setEventId("evt-" + flightKey + "-" + status)
                .setEventTime(clock.instant()).setSequence(1).setFlightKey(flightKey).setCarrier(flightKey.substring(0, 2))
                .setFlightNumber(flightKey.substring(2, flightKey.indexOf('/')))
                .setOriginDate(LocalDate.parse(flightKey.split("/")[1]))
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam").setScheduled(scheduled)
                        .setEstimated(estimated).setGate(gate).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(scheduled.plus(Duration.ofMinutes(80))).build())
                .setStatus(status).build();
        flights.pipeInput(flightKey, bytes(config.topics().name(Topics.FLIGHT_STATUS), event), clock.instant());
    }

    /** Care's requests (the notifications piped in with {@link #sent} are left out). */
    List<WhatsAppRequest> careRequests() {
        return requestsOut.readValuesToList().stream().filter(r -> r.getKind() == MessageKind.CARE_REPLY).toList();
    }

    List<CareHandoff> handoffs() {
        return handoffs.readValuesToList();
    }

    List<DeadLetter> deadLetters() {
        return deadLetters.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
