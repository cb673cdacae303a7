package dev.appcare.sender.state;

import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WebhookEventClaim;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the sender writes goes through one idempotent producer ({@code acks=all}): ledger entries,
 * statuses, dead letters and opt-outs. Values are serialised per topic with the contract's serdes, so one
 * {@code Producer<String, byte[]>} serves every topic.
 *
 * <p>{@link #reliably} keeps retrying a write that failed (broker or registry down for longer than the
 * producer's own delivery timeout): an outcome the sender has decided must be recorded before the
 * request's offset may be committed, so giving up is not an option; the health check shows it instead.
 */
public final class RecordWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);

    private final Producer<String, byte[]> producer;
    private final TopicNames topics;
    private final Serializer<SendLedgerEntry> ledgerSerializer;
    private final Serializer<DeliveryStatus> statusSerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;
    private final Serializer<TravellerPreference> preferenceSerializer;
    private final Serializer<CareInboundMessage> inboundSerializer;
    private final Serializer<WebhookEventClaim> webhookEventSerializer;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sender-write-retry");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong failingSince = new AtomicLong();
    private volatile boolean closed;

    public RecordWriter(Producer<String, byte[]> producer, TopicNames topics, Map<String, ?> serdeConfig) {
        this.producer = producer;
        this.topics = topics;
        this.ledgerSerializer = Topics.SENDER_LEDGER.valueSerde(serdeConfig).serializer();
        this.statusSerializer = Topics.WHATSAPP_STATUS.valueSerde(serdeConfig).serializer();
        this.deadLetterSerializer = Topics.WHATSAPP_REQUEST_DLQ.valueSerde(serdeConfig).serializer();
        this.preferenceSerializer = Topics.TRAVELLER_PREFERENCE.valueSerde(serdeConfig).serializer();
        this.inboundSerializer = Topics.CARE_INBOUND.valueSerde(serdeConfig).serializer();
        this.webhookEventSerializer = Topics.WEBHOOK_EVENTS.valueSerde(serdeConfig).serializer();
    }

    /**
     * A ledger entry, or a tombstone ({@code entry == null}: nothing is known about the id any more), in
     * ledger partition {@code partition}: the partition of the id's request (the ledger is co-partitioned
     * with the requests, see {@link SendLedger}).
     */
    public CompletableFuture<RecordMetadata> ledger(int partition, String messageId, SendLedgerEntry entry) {
        String topic = topics.name(Topics.SENDER_LEDGER);
        return send(topic, partition, messageId, () -> entry == null ? null : ledgerSerializer.serialize(topic, entry));
    }

    /**
     * A status record, without the recipient's phone number whoever filled it in: statuses are kept 30 days
     * for audit and correlate by messageId and traveller key, which is all they need (docs/privacy.md).
     */
    public CompletableFuture<RecordMetadata> status(DeliveryStatus status) {
        DeliveryStatus minimal = status.getRecipient() == null ? status
                : DeliveryStatus.newBuilder(status).setRecipient(null).build();
        String topic = topics.name(Topics.WHATSAPP_STATUS);
        return send(topic, minimal.getMessageId(), () -> statusSerializer.serialize(topic, minimal));
    }

    public CompletableFuture<RecordMetadata> deadLetter(String key, DeadLetter deadLetter) {
        String topic = topics.name(Topics.WHATSAPP_REQUEST_DLQ);
        return send(topic, key, () -> deadLetterSerializer.serialize(topic, deadLetter));
    }

    public CompletableFuture<RecordMetadata> preference(TravellerPreference preference) {
        String topic = topics.name(Topics.TRAVELLER_PREFERENCE);
        return send(topic, preference.getTravellerKey(), () -> preferenceSerializer.serialize(topic, preference));
    }

    /** A traveller's message for care, keyed by their phone so one conversation stays in order. */
    public CompletableFuture<RecordMetadata> careInbound(CareInboundMessage message) {
        String topic = topics.name(Topics.CARE_INBOUND);
        return send(topic, message.getFrom(), () -> inboundSerializer.serialize(topic, message));
    }

    /** A step of applying one webhook event once ({@link WebhookEvents}); {@code key} is the event's digest. */
    public CompletableFuture<RecordMetadata> webhookEvent(String key, WebhookEventClaim step) {
        String topic = topics.name(Topics.WEBHOOK_EVENTS);
        return send(topic, key, () -> webhookEventSerializer.serialize(topic, step));
    }

    private CompletableFuture<RecordMetadata> send(String topic, String key, Supplier<byte[]> value) {
        return send(topic, null, key, value);
    }

    private CompletableFuture<RecordMetadata> send(String topic, Integer partition, String key, Supplier<byte[]> value) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value.get()), (metadata, error) -> {
                if (error == null) {
                    result.complete(metadata);
                } else {
                    result.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // Serialisation (registry unreachable) or a closed producer: same treatment as a failed send.
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Runs {@code write} until it succeeds, backing off from 100 ms to 5 s between tries; the returned
     * future completes with the first success (or fails only when the writer is closed).
     */
    public CompletableFuture<Void> reliably(String what, Supplier<? extends CompletableFuture<?>> write) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        attempt(what, write, result, 100);
        return result;
    }

    private void attempt(String what, Supplier<? extends CompletableFuture<?>> write, CompletableFuture<Void> result,
                         long backoffMs) {
        CompletableFuture<?> sent;
        try {
            sent = write.get();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((value, error) -> {
            if (error == null) {
                failingSince.set(0);
                result.complete(null);
                return;
            }
            if (closed) {
                result.completeExceptionally(error);
                return;
            }
            failingSince.compareAndSet(0, System.currentTimeMillis());
            log.warn("Writing {} failed, retrying in {} ms: {}", what, backoffMs, error.toString());
            try {
                retries.schedule(() -> attempt(what, write, result, Math.min(5_000, backoffMs * 2)), backoffMs,
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                result.completeExceptionally(error);
            }
        });
    }

    /** Since when writes keep failing (epoch ms), or 0 when the last one succeeded. */
    public long failingSince() {
        return failingSince.get();
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        producer.close(Duration.ofSeconds(10));
    }
}
