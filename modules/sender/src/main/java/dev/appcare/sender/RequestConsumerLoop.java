package dev.appcare.sender;

import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.registry.SchemaRegistryException;
import dev.appcare.model.serde.BadRecordException;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.SendLedger;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop over {@code notify.whatsapp-request.v1}: decodes each record and hands it to the
 * {@link SendPipeline}; commits offsets only up to the oldest request whose outcome is not yet recorded
 * ({@link OffsetTracker}); pauses partitions whose unfinished requests pile up (backpressure: memory stays
 * bounded at about {@code sender.max-buffered} requests plus one poll) and resumes them as work drains.
 *
 * <p>On assignment it first restores the ledger partitions of the assigned request partitions and catches
 * the preferences up to their end, so nothing a previous owner recorded is missed; on revocation it hands queued requests back and lets calls in flight finish
 * before committing.
 */
final class RequestConsumerLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RequestConsumerLoop.class);
    private static final long COMMIT_INTERVAL_MS = 500;

    private final SenderConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<WhatsAppRequest> deserializer;
    private final SendPipeline pipeline;
    private final OffsetTracker offsets;
    private final SendLedger ledger;
    private final PreferenceView preferences;
    private final NumberChannels numbers;
    private final SenderMetrics metrics;
    private final Backpressure backpressure;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long lastCommit;

    RequestConsumerLoop(SenderConfig config, Consumer<byte[], byte[]> consumer, Deserializer<WhatsAppRequest> deserializer,
                        SendPipeline pipeline, OffsetTracker offsets, SendLedger ledger, PreferenceView preferences,
                        NumberChannels numbers, SenderMetrics metrics) {
        this.config = config;
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.pipeline = pipeline;
        this.offsets = offsets;
        this.ledger = ledger;
        this.preferences = preferences;
        this.numbers = numbers;
        this.metrics = metrics;
        this.backpressure = new Backpressure(config, consumer, offsets);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(config.topics().name(Topics.WHATSAPP_REQUEST)), new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                pipeline.renewLease(pipeline.clock.getAsLong()); // the fence: see SendPipeline.mayCall
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                        if (!take(record)) {
                            break;
                        }
                    }
                }
                backpressure.apply();
                commit(false);
                lag();
            }
        } catch (Throwable t) {
            failure = t;
            log.error("The request consumer stopped: {}", t.toString(), t);
        } finally {
            shutDown();
        }
    }

    /** Decodes and hands over one record; false if the partition must be read again from this record. */
    private boolean take(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        WhatsAppRequest request;
        BadRecordException bad = null;
        try {
            if (record.value() == null) {
                throw new BadRecordException(BadRecordException.Reason.EMPTY, record.topic(), -1,
                        "a request record without a value (tombstone)", null);
            }
            request = deserializer.deserialize(record.topic(), record.value());
            if (request.getMessageId() == null || request.getMessageId().isBlank()
                    || request.getRecipient() == null || request.getRecipient().isBlank()) {
                throw new BadRecordException(BadRecordException.Reason.MALFORMED, record.topic(), -1,
                        "a request without messageId or recipient", null);
            }
        } catch (BadRecordException e) {
            bad = e;
            request = null;
        } catch (SchemaRegistryException e) {
            // The registry is down: not the record's fault. Read it again in a second.
            log.warn("Schema registry unavailable decoding {}@{}, retrying: {}", tp, record.offset(), e.getMessage());
            consumer.seek(tp, record.offset());
            backpressure.pauseForRegistry(tp);
            return false;
        }
        boolean urgent = request != null && request.getPriority() == Priority.URGENT
                && Replay.kindOf(record.headers()).isEmpty();
        if (backpressure.onRecord(tp, record.offset(), urgent) == UrgentLookAhead.Take.SKIP) {
            return true;
        }
        if (bad != null) {
            pipeline.acceptBad(record, bad);
        } else {
            pipeline.accept(record, request);
        }
        return true;
    }

    private void commit(boolean sync) {
        long now = System.currentTimeMillis();
        if (!sync && now - lastCommit < COMMIT_INTERVAL_MS) {
            return;
        }
        lastCommit = now;
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable(consumer.assignment());
        if (committable.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(committable);
            offsets.committed(committable);
        } else {
            consumer.commitAsync(committable, (committed, error) -> {
                if (error == null) {
                    offsets.committed(committed);
                } else {
                    log.debug("Offset commit failed (the next one covers it): {}", error.toString());
                }
            });
        }
    }

    private void lag() {
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        metrics.lag(lag);
    }

    private void shutDown() {
        try {
            pipeline.stopDispatching();
            Set<TopicPartition> owned = consumer.assignment();
            pipeline.handBack(owned, config.shutdownTimeout());
            commitOwned(owned);
        } catch (RuntimeException e) {
            log.warn("Clean shutdown of the request consumer failed: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private void commitOwned(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable(partitions);
        if (!committable.isEmpty()) {
            consumer.commitSync(committable);
            offsets.committed(committable);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            log.info("Partitions revoked: {}", partitions);
            pipeline.handBack(partitions, config.requestTimeout().plusSeconds(2));
            try {
                commitOwned(partitions);
            } catch (RuntimeException e) {
                log.warn("Commit on revocation failed (the next owner re-reads, the ledger prevents resends): {}",
                        e.toString());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("Partitions lost: {}", partitions);
            pipeline.handBack(partitions, Duration.ZERO);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            long started = System.currentTimeMillis();
            try {
                // Everything a previous owner recorded must be known before its requests are looked at: the
                // ledger partitions of these request partitions are restored from the topic (SendLedger).
                ledger.assign(numbers(partitions)).get(config.ledgerCatchUpTimeout().toMillis(), TimeUnit.MILLISECONDS);
                preferences.catchUp().get(config.ledgerCatchUpTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot read the ledger/preferences to the end; refusing to send "
                        + "without them", e);
            }
            offsets.assigned(partitions);
            pipeline.partitionsAssigned(partitions);
            reshare(Set.of());
            log.info("Partitions assigned: {} (ledger of {} ids read in {} ms; pacing at {} msg/s over {} numbers)",
                    partitions, ledger.size(), System.currentTimeMillis() - started, Math.round(numbers.currentRate()),
                    numbers.all().size());
        }

        /**
         * Each number's ceiling and each portfolio's tier, shared as owned / total partitions. Lowered on
         * revocation, before the new owner (assigned after it, cooperative protocol) raises its own, so
         * the instances' shares add up to at most the whole through a rebalance.
         */
        private void reshare(Collection<TopicPartition> leaving) {
            int total = consumer.partitionsFor(config.topics().name(Topics.WHATSAPP_REQUEST)).size();
            Set<TopicPartition> owned = new HashSet<>(consumer.assignment());
            owned.removeAll(leaving);
            numbers.share(owned.size(), total, config.rateShareByPartitions());
        }

        private void forget(Collection<TopicPartition> partitions) {
            reshare(partitions);
            backpressure.forget(partitions);
            ledger.release(numbers(partitions)); // their ledger state leaves this instance (disk included)
            offsets.remove(partitions);
        }
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }

    /** Asks the loop to stop; it notices within one poll (100 ms) and shuts down cleanly. */
    void stop() {
        running = false;
    }

    boolean healthy() {
        return failure == null;
    }

    Throwable failure() {
        return failure;
    }
}
