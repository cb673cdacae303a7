package dev.appcare.care.streams;

import dev.appcare.care.CareMetrics;
import dev.appcare.model.rules.InputRules;
import dev.appcare.model.rules.Rejection;
import java.util.Optional;
import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.FlightContext;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.InboundSummary;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.SentSummary;
import dev.appcare.care.rules.FlightFact;
import dev.appcare.model.serde.AvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The traveller's situation as an agent needs it (rule C3): their booked flights with the current status,
 * from the global stores of {@code booking.passenger-segment.v1} and {@code flight.status.v1}, and the
 * hand-off record with what AppCare sent and what the traveller wrote.
 */
final class TravellerContext {
    static final int MAX_FLIGHTS = 10;

    private final Deserializer<FlightStatusEvent> flightDeserializer;
    private final Deserializer<PassengerSegment> segmentDeserializer;
    private final StringSerializer prefixSerializer = new StringSerializer();
    private KeyValueStore<String, byte[]> flights;
    private KeyValueStore<String, byte[]> segments;

    private final CareMetrics metrics;

    TravellerContext(Map<String, Object> serdeConfig, CareMetrics metrics) {
        this.metrics = metrics;
        this.flightDeserializer = AvroSerde.forValues(FlightStatusEvent.class, serdeConfig).deserializer();
        this.segmentDeserializer = AvroSerde.forValues(PassengerSegment.class, serdeConfig).deserializer();
    }

    void init(ProcessorContext<?, ?> context) {
        flights = context.getStateStore(CareTopology.FLIGHTS_STORE);
        segments = context.getStateStore(CareTopology.SEGMENTS_STORE);
    }

    /** Every active segment of these travellers, with the flight's last known status. */
    List<FlightFact> flights(List<String> travellerKeys) {
        List<FlightFact> facts = new ArrayList<>();
        for (String travellerKey : travellerKeys) {
            Set<String> flightKeys = new LinkedHashSet<>();
            try (KeyValueIterator<String, byte[]> it = segments.prefixScan(travellerKey + "|", prefixSerializer)) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> entry = it.next();
                    PassengerSegment segment = read(segmentDeserializer, entry.value);
                    if (segment != null && refused("segment", InputRules.passengerSegment(entry.key, segment))) {
                        continue;
                    }
                    if (segment != null && segment.getStatus() == SegmentStatus.ACTIVE) {
                        flightKeys.add(segment.getFlightKey());
                    }
                }
            }
            for (String flightKey : flightKeys) {
                if (facts.size() == MAX_FLIGHTS) {
                    return facts;
                }
                byte[] bytes = flights.get(flightKey);
                FlightStatusEvent event = bytes == null ? null : read(flightDeserializer, bytes);
                if (event != null && refused("flight", InputRules.flightStatus(flightKey, event))) {
                    event = null; // answered as a flight without a known status
                }
                facts.add(event == null ? new FlightFact(travellerKey, flightKey, null, null, null, null, null)
                        : new FlightFact(travellerKey, flightKey, event.getStatus().name(), event.getDeparture().getScheduled(),
                                event.getDeparture().getEstimated(), event.getDeparture().getGate(),
                                event.getDeparture().getTimeZone()));
            }
        }
        return facts;
    }

    /**
     * A global store holds its topic as it is, so a record the owning role dead-letters (a 1 MB gate, an
     * estimate in the year 9999: {@link InputRules}) is skipped where care reads it, and counted: a global
     * store's processor has no sink to dead-letter it to, and it is on the notifier's dead-letter topic.
     */
    private boolean refused(String what, Optional<Rejection> rejection) {
        rejection.ifPresent(r -> metrics.event(what + "-skipped-" + r.errorType().name().toLowerCase(java.util.Locale.ROOT)));
        return rejection.isPresent();
    }

    private static <T> T read(Deserializer<T> deserializer, byte[] bytes) {
        try {
            return deserializer.deserialize("care-global-store", bytes);
        } catch (RuntimeException unreadable) {
            return null; // the owning role dead-letters it; care answers without it
        }
    }

    static CareHandoff handoff(String phone, Conversation conversation, PhoneHistory history, String reason,
                               boolean agentsAvailable, List<FlightFact> flights) {
        return CareHandoff.newBuilder()
                .setConversationId(conversation.conversationId())
                .setPhone(phone)
                .setTravellerKeys(history.travellerKeys())
                .setLanguage(conversation.language())
                .setLanguageSource(conversation.languageSource())
                .setState(conversation.state())
                .setReason(reason)
                .setOpenedAt(Instant.ofEpochMilli(conversation.openedAt()))
                .setAgentsAvailable(agentsAvailable)
                .setFlights(flights.stream().map(f -> FlightContext.newBuilder()
                        .setTravellerKey(f.travellerKey()).setFlightKey(f.flightKey()).setStatus(f.status())
                        .setScheduledDeparture(f.scheduledDeparture()).setEstimatedDeparture(f.estimatedDeparture())
                        .setGate(f.gate()).setDepartureTimeZone(f.zone()).build()).toList())
                .setSent(history.sent().stream().map(s -> SentSummary.newBuilder()
                        .setMessageId(s.messageId()).setKind(s.kind()).setTemplateName(s.templateName()).setText(s.text())
                        .setFlightKey(s.flightKey()).setAt(Instant.ofEpochMilli(s.at())).build()).toList())
                .setInbound(conversation.inbound().stream().map(n -> InboundSummary.newBuilder()
                        .setWamid(n.wamid()).setReceivedAt(Instant.ofEpochMilli(n.receivedAt())).setType(n.type())
                        .setText(n.text()).setMediaId(n.mediaId()).setMediaMimeType(n.mediaMimeType())
                        .setMediaFilename(n.mediaFilename()).build()).toList())
                .build();
    }
}
