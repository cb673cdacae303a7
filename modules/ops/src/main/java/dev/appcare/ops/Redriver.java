package dev.appcare.ops;

import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.topics.Topics;
import dev.appcare.ops.rules.RedriveRules;
import dev.appcare.ops.rules.RedriveRules.Outcome;
import dev.appcare.ops.rules.Tally;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code appcare ops redrive}: dead letters of a window back to {@code notify.whatsapp-request.v1}.
 *
 * <pre>
 *  notify.whatsapp-request.dlq.v1 (window)  ─┐
 *  sender.ledger.v1 (latest per messageId)  ─┤
 *  traveller.preference.v1 (latest per key) ─┼─► RedriveRules.decide ─► plan (counts) ─► --execute:
 *  notify.whatsapp-request.v1 (supersedes)  ─┘                                          original key + value bytes,
 *                                                                                       headers appcare.replay=redrive,
 *                                                                                       appcare.replay.origin=dlq/p/offset
 * </pre>
 * Nothing is written without {@code --execute}; the reads use no consumer group. The sender runs the
 * redriven requests after every live one and lets the redrive retry ids its ledger shows as DROPPED.
 */
public final class Redriver {
    private final OpsContext ctx;

    /** One dead letter and what the redrive does with it. */
    public record Item(ConsumerRecord<byte[], byte[]> record, DeadLetter deadLetter, WhatsAppRequest request, Outcome outcome) {
    }

    /** What a redrive would do (or did). */
    public record Plan(RedriveRules.Selection selection, String dlqTopic, int read, List<Item> items, Tally tally,
                       Instant firstFailure, Instant lastFailure) {
        public List<Item> toRedrive() {
            return items.stream().filter(i -> i.outcome() == Outcome.REDRIVE).toList();
        }

        public long count(Outcome outcome) {
            return items.stream().filter(i -> i.outcome() == outcome).count();
        }

        public String render() {
            StringBuilder out = new StringBuilder();
            out.append("  dead letters read from ").append(dlqTopic).append(": ").append(read)
                    .append("; selected (failedAt in [").append(selection.from()).append(", ").append(selection.to()).append(")")
                    .append(selection.kind() == null ? "" : ", kind " + selection.kind())
                    .append(selection.errorCode() == null ? "" : ", error code " + selection.errorCode())
                    .append("): ").append(items.size()).append('\n');
            if (firstFailure != null) {
                out.append("  failures from ").append(firstFailure).append(" to ").append(lastFailure).append('\n');
            }
            out.append(tally.render("  "));
            out.append("  to redrive: ").append(toRedrive().size()).append('\n');
            return out.toString();
        }
    }

    public Redriver(OpsContext ctx) {
        this.ctx = ctx;
    }

    public Plan plan(RedriveRules.Selection selection) {
        String dlq = ctx.topic(Topics.WHATSAPP_REQUEST_DLQ);
        List<ConsumerRecord<byte[], byte[]>> records = TopicScan.read(ctx, dlq, selection.from());
        List<Item> selected = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> selectedRecords = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<WhatsAppRequest> requests = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            DeadLetter dl = ctx.decode(Topics.WHATSAPP_REQUEST_DLQ, r.value());
            WhatsAppRequest request = originalRequest(dl);
            if (selection.selects(dl, request)) {
                selectedRecords.add(r);
                deadLetters.add(dl);
                requests.add(request);
            }
        }
        // In failure order, so that "redriven once" keeps the first of repeated dead letters.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < deadLetters.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> deadLetters.get(a).getFailedAt().compareTo(deadLetters.get(b).getFailedAt()));

        Set<String> ids = new HashSet<>();
        Set<String> travellers = new HashSet<>();
        for (WhatsAppRequest request : requests) {
            if (request != null) {
                ids.add(request.getMessageId());
                String traveller = request.getCorrelation() == null ? null : request.getCorrelation().getTravellerKey();
                if (traveller != null) {
                    travellers.add(traveller);
                }
            }
        }
        Map<String, LedgerState> ledger = ledgerStates(ids);
        Map<String, TravellerPreference> preferences = preferences(travellers);
        Map<String, String> supersededBy = supersededBy(ids);

        Instant now = ctx.clock().instant();
        Tally tally = new Tally();
        Set<String> seen = new HashSet<>();
        Instant first = null;
        Instant last = null;
        for (int i : order) {
            DeadLetter dl = deadLetters.get(i);
            WhatsAppRequest request = requests.get(i);
            Outcome outcome;
            if (request == null) {
                outcome = RedriveRules.decide(new RedriveRules.Facts(null, false, null, null, RedriveRules.Consent.NOT_NAMED), now);
            } else {
                String traveller = request.getCorrelation() == null ? null : request.getCorrelation().getTravellerKey();
                RedriveRules.Facts facts = new RedriveRules.Facts(request, !seen.add(request.getMessageId()),
                        ledger.get(request.getMessageId()), supersededBy.get(request.getMessageId()),
                        RedriveRules.consent(request, traveller == null ? null : preferences.get(traveller)));
                outcome = RedriveRules.decide(facts, now);
            }
            ConsumerRecord<byte[], byte[]> r = selectedRecords.get(i);
            selected.add(new Item(r, dl, request, outcome));
            tally.add("outcome", outcome.label());
            tally.add("kind", (request == null ? "?" : request.getKind().name()) + " → " + outcome.label());
            tally.add("dlq partition", r.partition() + " → " + outcome.label());
            tally.add("error", (dl.getErrorCode() == null ? dl.getErrorType() : dl.getErrorType() + " " + dl.getErrorCode()));
            first = first == null || dl.getFailedAt().isBefore(first) ? dl.getFailedAt() : first;
            last = last == null || dl.getFailedAt().isAfter(last) ? dl.getFailedAt() : last;
        }
        return new Plan(selection, dlq, records.size(), List.copyOf(selected), tally, first, last);
    }

    /** Writes the plan's redrives to the request topic; returns how many were written (all acknowledged). */
    public int execute(Plan plan) throws Exception {
        return execute(plan, 0);
    }

    /**
     * As {@link #execute(Plan)}, writing at most {@code maxPerSecond} records a second (0: as fast as the
     * producer goes). Paced below the sender's ceiling, a redrive never fills the sender's buffer, so live
     * requests on the same partitions are never held behind it in Kafka.
     */
    public int execute(Plan plan, int maxPerSecond) throws Exception {
        long start = System.nanoTime();
        int n = 0;
        String requestTopic = ctx.topic(Topics.WHATSAPP_REQUEST);
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = ctx.producer()) {
            for (Item item : plan.toRedrive()) {
                DeadLetter dl = item.deadLetter();
                byte[] key = dl.getOriginalKey() != null ? bytes(dl.getOriginalKey())
                        : item.request().getRecipient().getBytes(StandardCharsets.UTF_8);
                RecordHeaders headers = new RecordHeaders();
                Replay.mark(headers, Replay.Kind.REDRIVE, item.record().topic(), item.record().partition(), item.record().offset());
                acks.add(producer.send(new ProducerRecord<>(requestTopic, null, key, bytes(dl.getOriginalValue()), headers)));
                n++;
                if (maxPerSecond > 0) {
                    long due = start + n * 1_000_000_000L / maxPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing, not synchronisation
                    }
                }
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
        return acks.size();
    }

    private WhatsAppRequest originalRequest(DeadLetter dl) {
        if (dl.getOriginalValue() == null) {
            return null;
        }
        try {
            WhatsAppRequest request = ctx.decode(Topics.WHATSAPP_REQUEST, bytes(dl.getOriginalValue()));
            return request.getMessageId() == null || request.getRecipient() == null ? null : request;
        } catch (RuntimeException e) {
            return null; // undecodable: NOT_A_REQUEST
        }
    }

    private Map<String, LedgerState> ledgerStates(Set<String> ids) {
        Map<String, LedgerState> states = new HashMap<>();
        TopicScan.latest(ctx, ctx.topic(Topics.SENDER_LEDGER)).forEach((id, value) -> {
            if (ids.contains(id)) {
                SendLedgerEntry entry = ctx.decode(Topics.SENDER_LEDGER, value);
                states.put(id, entry.getState());
            }
        });
        return states;
    }

    private Map<String, TravellerPreference> preferences(Set<String> travellers) {
        Map<String, TravellerPreference> latest = new HashMap<>();
        TopicScan.latest(ctx, ctx.topic(Topics.TRAVELLER_PREFERENCE)).forEach((key, value) -> {
            if (travellers.contains(key)) {
                latest.put(key, ctx.decode(Topics.TRAVELLER_PREFERENCE, value));
            }
        });
        return latest;
    }

    private Map<String, String> supersededBy(Set<String> ids) {
        Map<String, String> newer = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScan.read(ctx, ctx.topic(Topics.WHATSAPP_REQUEST), null)) {
            if (r.value() == null) {
                continue;
            }
            try {
                WhatsAppRequest request = ctx.decode(Topics.WHATSAPP_REQUEST, r.value());
                String old = request.getSupersedes();
                if (old != null && ids.contains(old) && !old.equals(request.getMessageId())) {
                    newer.put(old, request.getMessageId());
                }
            } catch (RuntimeException e) {
                // a bad record on the request topic is the sender's to dead-letter, not ours
            }
        }
        return newer;
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
