package dev.appcare.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.ops.rules.PhoneMask;
import dev.appcare.ops.rules.Trace;
import dev.appcare.ops.rules.Trace.Entry;
import dev.appcare.ops.rules.Trace.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code appcare ops trace}: everything AppCare did about one traveller or one flight, read from the
 * topics (no consumer group, nothing written): the events in (flight status, boarding passes, bookings,
 * preferences), the notifier's decisions (announced, suppressed and why, requested, held back by the
 * message budget; {@code notify.notifier-decision.v1}), the requests the notifier and the opt-in API made,
 * the sender's and WhatsApp's statuses, and dead letters of both DLQs. Phone numbers are masked; names and
 * template parameters are left out.
 */
public final class Tracer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final OpsContext ctx;

    public Tracer(OpsContext ctx) {
        this.ctx = ctx;
    }

    public List<Entry> traveller(String travellerKey, Instant since) {
        List<Entry> entries = new ArrayList<>();
        Set<String> flights = new HashSet<>();
        for (var r : read(Topics.PASSENGER_SEGMENT, null)) {
            String key = key(r);
            if (key != null && key.startsWith(travellerKey + "|") && r.value() != null) {
                PassengerSegment s = ctx.decode(Topics.PASSENGER_SEGMENT, r.value());
                flights.add(s.getFlightKey());
                entries.add(booking(r, s));
            }
        }
        for (var r : read(Topics.TRAVELLER_PREFERENCE, null)) {
            if (travellerKey.equals(key(r))) {
                entries.add(preference(r, travellerKey));
            }
        }
        for (var r : read(Topics.FLIGHT_STATUS, since)) {
            if (flights.contains(key(r)) && r.value() != null) {
                entries.add(flightEvent(r, ctx.decode(Topics.FLIGHT_STATUS, r.value())));
            }
        }
        for (var r : read(Topics.BOARDING_PASS, since)) {
            if (travellerKey.equals(key(r)) && r.value() != null) {
                entries.add(boardingPass(r, ctx.decode(Topics.BOARDING_PASS, r.value())));
            }
        }
        decisions(entries, since, d -> travellerKey.equals(d.getTravellerKey())
                || (d.getTravellerKey() == null && flights.contains(d.getFlightKey())));
        Set<String> ids = requests(entries, since, q -> q.getCorrelation() != null
                && travellerKey.equals(q.getCorrelation().getTravellerKey()));
        statusesAndDeadLetters(entries, since, ids, s -> travellerKey.equals(s.getTravellerKey()),
                k -> travellerKey.equals(k) || flights.contains(k));
        return Trace.assemble(entries, since, "to " + travellerKey);
    }

    public List<Entry> flight(String flightKey, Instant since) {
        List<Entry> entries = new ArrayList<>();
        for (var r : read(Topics.PASSENGER_SEGMENT, null)) {
            String key = key(r);
            if (key != null && key.endsWith("|" + flightKey) && r.value() != null) {
                entries.add(booking(r, ctx.decode(Topics.PASSENGER_SEGMENT, r.value())));
            }
        }
        for (var r : read(Topics.FLIGHT_STATUS, since)) {
            if (flightKey.equals(key(r)) && r.value() != null) {
                entries.add(flightEvent(r, ctx.decode(Topics.FLIGHT_STATUS, r.value())));
            }
        }
        for (var r : read(Topics.BOARDING_PASS, since)) {
            if (r.value() != null) {
                BoardingPassIssued pass = ctx.decode(Topics.BOARDING_PASS, r.value());
                if (flightKey.equals(pass.getFlightKey())) {
                    entries.add(boardingPass(r, pass));
                }
            }
        }
        decisions(entries, since, d -> flightKey.equals(d.getFlightKey()));
        Set<String> ids = requests(entries, since, q -> q.getCorrelation() != null
                && flightKey.equals(q.getCorrelation().getFlightKey()));
        statusesAndDeadLetters(entries, since, ids, s -> flightKey.equals(s.getFlightKey()), flightKey::equals);
        return Trace.assemble(entries, since, "to anyone");
    }

    public static String json(List<Entry> entries) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at().toString());
            m.put("kind", e.kind().name());
            m.put("topic", e.topic());
            if (e.topic() != null) {
                m.put("partition", e.partition());
                m.put("offset", e.offset());
            }
            m.put("messageId", e.messageId());
            m.put("eventId", e.eventId());
            m.put("summary", e.summary());
            m.put("details", e.details());
            out.add(m);
        }
        return JSON.writeValueAsString(out);
    }

    // ─── readers ────────────────────────────────────────────────────────────────────────────────

    /** The notifier's decision log (rule N11): keys, kinds, reasons and ids only, nothing to mask. */
    private void decisions(List<Entry> entries, Instant since, Predicate<NotifierDecision> about) {
        for (var r : read(Topics.NOTIFIER_DECISION, since)) {
            if (r.value() == null) {
                continue;
            }
            NotifierDecision d = ctx.decode(Topics.NOTIFIER_DECISION, r.value());
            if (!about.test(d)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("outcome", d.getOutcome().name());
            m.put("reason", d.getReason());
            m.put("detail", d.getDetail());
            m.put("kind", d.getKind() == null ? null : d.getKind().name());
            m.put("travellerKey", d.getTravellerKey());
            m.put("flightKey", d.getFlightKey());
            m.put("passengers", d.getPassengers());
            entries.add(new Entry(d.getAt(), Kind.DECISION, r.topic(), r.partition(), r.offset(), d.getMessageId(),
                    d.getEventId(), Trace.decisionSummary(d.getOutcome().name(), d.getReason(), d.getDetail(),
                    d.getKind() == null ? null : d.getKind().name(), d.getTravellerKey(), d.getFlightKey(), d.getEventId()), m));
        }
    }

    private Set<String> requests(List<Entry> entries, Instant since, Predicate<WhatsAppRequest> about) {
        Set<String> ids = new HashSet<>();
        for (var r : read(Topics.WHATSAPP_REQUEST, since)) {
            if (r.value() == null) {
                continue;
            }
            WhatsAppRequest q;
            try {
                q = ctx.decode(Topics.WHATSAPP_REQUEST, r.value());
            } catch (RuntimeException e) {
                continue; // the sender dead-letters it; it shows there
            }
            if (!about.test(q)) {
                continue;
            }
            ids.add(q.getMessageId());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("kind", q.getKind().name());
            d.put("template", q.getTemplateName());
            d.put("language", q.getLanguage());
            d.put("priority", q.getPriority().name());
            d.put("recipient", PhoneMask.mask(q.getRecipient()));
            d.put("expiresAt", q.getExpiresAt().toString());
            d.put("supersedes", q.getSupersedes());
            d.put("travellerKey", q.getCorrelation() == null ? null : q.getCorrelation().getTravellerKey());
            d.put("flightKey", q.getCorrelation() == null ? null : q.getCorrelation().getFlightKey());
            String replay = Replay.kindOf(r.headers()).map(Replay.Kind::headerValue).orElse(null);
            d.put("replay", replay);
            d.put("replayOrigin", Replay.originOf(r.headers()).orElse(null));
            String summary = "request " + q.getKind() + " " + q.getTemplateName() + "/" + q.getLanguage() + " "
                    + q.getPriority() + " to " + PhoneMask.mask(q.getRecipient())
                    + (q.getSupersedes() == null ? "" : " supersedes " + q.getSupersedes())
                    + (replay == null ? "" : " [" + replay + " of " + d.get("replayOrigin") + "]");
            String eventId = q.getCorrelation() == null ? null : q.getCorrelation().getSourceEventId();
            entries.add(new Entry(q.getCreatedAt(), Kind.REQUEST, r.topic(), r.partition(), r.offset(), q.getMessageId(),
                    eventId, summary, d));
        }
        return ids;
    }

    private void statusesAndDeadLetters(List<Entry> entries, Instant since, Set<String> ids,
                                        Predicate<DeliveryStatus> about, Predicate<String> notifierDlqKey) {
        for (var r : read(Topics.WHATSAPP_STATUS, since)) {
            if (r.value() == null) {
                continue;
            }
            DeliveryStatus s = ctx.decode(Topics.WHATSAPP_STATUS, r.value());
            if (!ids.contains(s.getMessageId()) && !about.test(s)) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("status", s.getStatus().name());
            d.put("wamid", s.getWamid());
            d.put("recipient", PhoneMask.mask(s.getRecipient()));
            d.put("errorCode", s.getErrorCode());
            d.put("errorTitle", PhoneMask.maskIn(s.getErrorTitle()));
            String summary = "status " + s.getStatus() + (s.getErrorCode() == null ? "" : " " + s.getErrorCode())
                    + (s.getErrorTitle() == null ? "" : ": " + PhoneMask.maskIn(s.getErrorTitle()));
            entries.add(new Entry(s.getAt(), Kind.STATUS, r.topic(), r.partition(), r.offset(), s.getMessageId(), null, summary, d));
        }
        for (var r : read(Topics.WHATSAPP_REQUEST_DLQ, since)) {
            if (r.value() == null) {
                continue;
            }
            DeadLetter dl = ctx.decode(Topics.WHATSAPP_REQUEST_DLQ, r.value());
            if (dl.getMessageId() != null && ids.contains(dl.getMessageId())) {
                entries.add(deadLetter(r, dl));
            }
        }
        for (var r : read(Topics.NOTIFIER_DLQ, since)) {
            if (r.value() != null && notifierDlqKey.test(key(r))) {
                entries.add(deadLetter(r, ctx.decode(Topics.NOTIFIER_DLQ, r.value())));
            }
        }
    }

    private Entry deadLetter(ConsumerRecord<byte[], byte[]> r, DeadLetter dl) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("stage", dl.getStage());
        d.put("errorType", dl.getErrorType());
        d.put("errorCode", dl.getErrorCode());
        d.put("reason", PhoneMask.maskIn(dl.getReason()));
        d.put("attempts", dl.getAttempts());
        d.put("source", Replay.origin(dl.getSourceTopic(), dl.getSourcePartition(), dl.getSourceOffset()));
        String summary = "dead letter (" + dl.getStage() + ") " + dl.getErrorType()
                + (dl.getErrorCode() == null ? "" : " " + dl.getErrorCode()) + ": " + PhoneMask.maskIn(dl.getReason());
        return new Entry(dl.getFailedAt(), Kind.DEAD_LETTER, r.topic(), r.partition(), r.offset(), dl.getMessageId(), null, summary, d);
    }

    private Entry booking(ConsumerRecord<byte[], byte[]> r, PassengerSegment s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("travellerKey", s.getTravellerKey());
        d.put("flightKey", s.getFlightKey());
        d.put("status", s.getStatus().name());
        return new Entry(s.getUpdatedAt(), Kind.BOOKING, r.topic(), r.partition(), r.offset(), null, null,
                "booking " + s.getTravellerKey() + " on " + s.getFlightKey() + ": " + s.getStatus(), d);
    }

    private Entry preference(ConsumerRecord<byte[], byte[]> r, String travellerKey) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (r.value() == null) {
            d.put("erased", true);
            return new Entry(Instant.ofEpochMilli(r.timestamp()), Kind.PREFERENCE, r.topic(), r.partition(), r.offset(),
                    null, null, "preference of " + travellerKey + ": erased (tombstone)", d);
        }
        TravellerPreference p = ctx.decode(Topics.TRAVELLER_PREFERENCE, r.value());
        d.put("status", p.getStatus().name());
        d.put("locale", p.getLocale());
        d.put("phone", PhoneMask.mask(p.getPhoneE164()));
        d.put("kinds", p.getKinds().stream().map(Enum::name).toList());
        d.put("optOutSource", p.getOptOutSource());
        return new Entry(p.getUpdatedAt(), Kind.PREFERENCE, r.topic(), r.partition(), r.offset(), null, null,
                "preference of " + travellerKey + ": " + p.getStatus() + " " + p.getLocale() + " " + PhoneMask.mask(p.getPhoneE164())
                        + " kinds " + d.get("kinds") + (p.getOptOutSource() == null ? "" : " (" + p.getOptOutSource() + ")"), d);
    }

    private Entry flightEvent(ConsumerRecord<byte[], byte[]> r, FlightStatusEvent e) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("flightKey", e.getFlightKey());
        d.put("status", e.getStatus().name());
        d.put("sequence", e.getSequence());
        d.put("scheduledDeparture", e.getDeparture().getScheduled().toString());
        d.put("estimatedDeparture", e.getDeparture().getEstimated() == null ? null : e.getDeparture().getEstimated().toString());
        d.put("gate", e.getDeparture().getGate());
        d.put("source", e.getSource());
        String summary = "event " + e.getFlightKey() + " " + e.getStatus() + " seq " + e.getSequence()
                + " sched " + e.getDeparture().getScheduled()
                + (e.getDeparture().getEstimated() == null ? "" : " est " + e.getDeparture().getEstimated())
                + (e.getDeparture().getGate() == null ? "" : " gate " + e.getDeparture().getGate());
        return new Entry(e.getEventTime(), Kind.EVENT, r.topic(), r.partition(), r.offset(), null, e.getEventId(), summary, d);
    }

    private Entry boardingPass(ConsumerRecord<byte[], byte[]> r, BoardingPassIssued p) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("travellerKey", p.getTravellerKey());
        d.put("flightKey", p.getFlightKey());
        d.put("issueSequence", p.getIssueSequence());
        d.put("gate", p.getGate());
        return new Entry(p.getEventTime(), Kind.EVENT, r.topic(), r.partition(), r.offset(), null, p.getEventId(),
                "event boarding pass #" + p.getIssueSequence() + " for " + p.getTravellerKey() + " on " + p.getFlightKey(), d);
    }

    private <V extends SpecificRecord> List<ConsumerRecord<byte[], byte[]>> read(TopicSpec<V> spec, Instant since) {
        return TopicScan.read(ctx, ctx.topic(spec), since);
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }
}
