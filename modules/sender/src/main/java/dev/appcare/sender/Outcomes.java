package dev.appcare.sender;

import dev.appcare.model.DeadLetterType;
import dev.appcare.model.rules.RequestLimits;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.model.serde.BadRecordException;
import dev.appcare.sender.cloudapi.SendOutcome;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what became of a request — ledger entry, status record, dead letter — and completes its
 * offset once the broker acknowledged all of it (so a crash before that re-reads the request, and the
 * ledger decides). Until then the id counts as "finishing": a copy arriving meanwhile is not sent.
 */
final class Outcomes {
    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private final SendLedger ledger;
    private final RecordWriter writer;
    private final OffsetTracker offsets;
    private final SenderMetrics metrics;
    private final LongSupplier clock;
    /**
     * Ids whose outcome is being written, with a count. Removed lock-free from the producer's callback once
     * the ledger view shows the outcome (taking a lock there could deadlock with a thread that holds it
     * while the producer's buffer is full).
     */
    private final Map<String, Integer> finishing = new ConcurrentHashMap<>();

    Outcomes(SendLedger ledger, RecordWriter writer, OffsetTracker offsets, SenderMetrics metrics, LongSupplier clock) {
        this.ledger = ledger;
        this.writer = writer;
        this.offsets = offsets;
        this.metrics = metrics;
        this.clock = clock;
    }

    boolean finishing(String messageId) {
        return finishing.containsKey(messageId);
    }

    /** Dropped for good: ledger DROPPED and a status saying why. */
    void drop(SendJob job, DeliveryState state, String reason, String metric) {
        metrics.dropped(metric);
        long now = clock.getAsLong();
        record(job, List.of(
                () -> ledger.record(job.source.partition(), LedgerEntries.dropped(job.messageId, now, job.expiresAt(), metric)),
                () -> writer.status(status(job, state, null, job.lastErrorCode, reason))));
    }

    void accepted(SendJob job, SendOutcome outcome) {
        metrics.accepted();
        long now = clock.getAsLong();
        SendLedgerEntry entry = LedgerEntries.entry(job.messageId, LedgerState.ACCEPTED, now, outcome.wamid(), job.expiresAt());
        record(job, List.of(() -> ledger.record(job.source.partition(), entry),
                () -> writer.status(status(job, DeliveryState.ACCEPTED, outcome.wamid(), null, job.auditNote))));
    }

    /** The largest request value a dead letter copies (its coordinates find any other where it is). */
    static final int MAX_KEPT_VALUE_BYTES = 64 * 1024;

    void deadLetter(SendJob job, SendOutcome outcome) {
        deadLetter(job, DeadLetterType.WHATSAPP_TERMINAL, outcome.errorCode(), outcome.reason());
    }

    /** Dead-lettered with {@code errorType} and {@code reason}: ledger DROPPED, the dead letter, status DEAD_LETTERED. */
    void deadLetter(SendJob job, DeadLetterType errorType, Integer errorCode, String reason) {
        long now = clock.getAsLong();
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setReason(reason).setErrorType(errorType.name()).setErrorCode(errorCode)
                .setStage("sender").setSourceTopic(job.source.topic()).setSourcePartition(job.source.partition())
                .setSourceOffset(job.offset).setSourceTimestamp(Instant.ofEpochMilli(job.sourceTimestamp))
                .setFailedAt(Instant.ofEpochMilli(now)).setAttempts(job.attempts).setMessageId(job.messageId)
                .setExpiresAt(job.request.getExpiresAt())
                .setOriginalKey(job.rawKey == null ? null : ByteBuffer.wrap(job.rawKey))
                // A dead letter must always be writable: a value past 64 KiB (a 1 MB parameter) is not copied.
                .setOriginalValue(job.rawValue.length > MAX_KEPT_VALUE_BYTES ? null : ByteBuffer.wrap(job.rawValue))
                .build();
        metrics.dropped("dead-lettered");
        record(job, List.of(
                () -> ledger.record(job.source.partition(), LedgerEntries.dropped(job.messageId, now,
                        Math.min(job.expiresAt(), now + RequestLimits.MAX_LIFETIME.toMillis()), "dead-lettered")),
                () -> writer.deadLetter(job.recipient, deadLetter),
                () -> writer.status(status(job, DeliveryState.DEAD_LETTERED, null, errorCode, reason))));
    }

    /** An undecodable request: dead-lettered with the reason, never blocks the partition. */
    void badRecord(ConsumerRecord<byte[], byte[]> record, BadRecordException error) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setReason(error.getMessage()).setErrorType(error.reason().errorType().name()).setStage("sender")
                .setSourceTopic(record.topic()).setSourcePartition(record.partition()).setSourceOffset(record.offset())
                .setSourceTimestamp(Instant.ofEpochMilli(record.timestamp()))
                .setFailedAt(Instant.ofEpochMilli(clock.getAsLong())).setAttempts(1)
                .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .build();
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        metrics.dropped("bad-record");
        writer.reliably("dead letter of " + tp + "@" + record.offset(), () -> writer.deadLetter(key, deadLetter))
                .thenRun(() -> offsets.complete(tp, record.offset()));
    }

    /**
     * Drops {@code oldId}, never seen here, for good: a DROPPED entry keeps it from ever being sent if it
     * arrives later (a replay); until that is acknowledged the id counts as finishing.
     */
    CompletableFuture<Void> supersededUnseen(String oldId, SendJob newer) {
        long now = clock.getAsLong();
        SendLedgerEntry dropped = LedgerEntries.dropped(oldId, now, newer.expiresAt(), "superseded");
        Correlation correlation = correlation(newer);
        DeliveryStatus status = DeliveryStatus.newBuilder().setMessageId(oldId).setStatus(DeliveryState.SUPERSEDED)
                .setAt(Instant.ofEpochMilli(now)).setRecipient(newer.recipient)
                .setErrorTitle("superseded by " + newer.messageId + " before it reached the sender")
                .setTravellerKey(correlation.getTravellerKey()).setFlightKey(correlation.getFlightKey())
                .build();
        metrics.dropped("superseded");
        finishing.merge(oldId, 1, Integer::sum);
        CompletableFuture<Void> writes = CompletableFuture.allOf(
                writer.reliably("ledger " + oldId, () -> ledger.record(newer.source.partition(), dropped)),
                writer.reliably("status " + oldId, () -> writer.status(status)));
        writes.whenComplete((ok, error) -> finishing.computeIfPresent(oldId, (id, n) -> n == 1 ? null : n - 1));
        return writes;
    }

    /**
     * The in-doubt policy's resolution of an unanswered call whose kind is not resent and for which no
     * evidence came within the wait: dropped for good, recorded in the ledger (DROPPED
     * {@code in-doubt-not-resent}, so no instance and no replay sends it later and the audit shows how it
     * ended) and reported UNKNOWN with the reason. A status webhook arriving later still turns it ACCEPTED.
     */
    void inDoubtGivenUp(SendJob job, long attemptedAt) {
        metrics.dropped("in-doubt");
        log.warn("{} is in doubt: a call at {} got no answer, WhatsApp may have sent it; its kind ({}) is not resent",
                job.messageId, Instant.ofEpochMilli(attemptedAt), job.request.getKind());
        long now = clock.getAsLong();
        DeliveryStatus status = status(job, DeliveryState.UNKNOWN, null, null,
                "in doubt: the call at " + Instant.ofEpochMilli(attemptedAt) + " got no answer and no status webhook "
                        + "came; WhatsApp may or may not have sent it; " + job.request.getKind() + " is not resent ("
                        + InDoubtPolicy.GIVEN_UP_REASON + ")");
        record(job, List.of(
                () -> ledger.record(job.source.partition(), LedgerEntries.dropped(job.messageId, now, job.expiresAt(), InDoubtPolicy.GIVEN_UP_REASON)),
                () -> writer.status(status)));
    }

    /** Reports a decision that changes nothing in the ledger (duplicate, in doubt, proved); then the offset is done. */
    void reportOnly(SendJob job, DeliveryState state, String wamid, String reason, String droppedMetric) {
        reportOnly(job, status(job, state, wamid, null, reason), droppedMetric);
    }

    private void reportOnly(SendJob job, DeliveryStatus status, String droppedMetric) {
        if (droppedMetric != null) {
            metrics.dropped(droppedMetric);
        }
        completeAfter(job, List.of(() -> writer.status(status)), false);
    }

    /** One asynchronous write of an outcome. */
    @FunctionalInterface
    private interface Write {
        CompletableFuture<?> send();
    }

    private void record(SendJob job, List<Write> writes) {
        finishing.merge(job.messageId, 1, Integer::sum);
        completeAfter(job, writes, true);
    }

    private void completeAfter(SendJob job, List<Write> writes, boolean tracksFinishing) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (Write write : writes) {
            acks.add(writer.reliably("outcome of " + job.messageId, write::send));
        }
        if (job.intakeWrites != null) {
            acks.add(job.intakeWrites);
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Outcome of {} not recorded ({}); its offset stays uncommitted", job, error.toString());
            } else {
                offsets.complete(job.source, job.offset);
            }
            if (tracksFinishing) {
                finishing.computeIfPresent(job.messageId, (id, n) -> n == 1 ? null : n - 1);
            }
        });
    }

    private DeliveryStatus status(SendJob job, DeliveryState state, String wamid, Integer errorCode, String title) {
        Correlation correlation = correlation(job);
        return DeliveryStatus.newBuilder()
                .setMessageId(job.messageId).setStatus(state).setAt(Instant.ofEpochMilli(clock.getAsLong()))
                .setWamid(wamid).setRecipient(job.recipient).setErrorCode(errorCode).setErrorTitle(title)
                .setTravellerKey(correlation.getTravellerKey()).setFlightKey(correlation.getFlightKey())
                .build();
    }

    static Correlation correlation(SendJob job) {
        Correlation c = job.request.getCorrelation();
        return c != null ? c : new Correlation();
    }
}
