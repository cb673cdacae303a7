package dev.appcare.optin;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.BookingLife;
import dev.appcare.model.consent.Consent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in API's operations: read, opt in or change, opt out, erase. Each write follows the same steps:
 * <ol>
 *   <li>read the current preference from the {@linkplain PreferenceStore store} of this instance, which
 *       owns the traveller's partition (the HTTP layer forwarded the call here: {@link OwnerRouting});</li>
 *   <li>decide with {@link PreferenceRules};</li>
 *   <li>write the preference (and a confirmation request for a new opt-in) in one transaction and wait
 *       for the commit: 2xx means durable;</li>
 *   <li>wait until the store has applied the write, so that a read right after sees it.</li>
 * </ol>
 * Every call for one traveller runs on the instance that owns its partition, and writes for one traveller
 * are serialised there. While the partition moves (a rebalance) the calls answer 503 with Retry-After; a
 * confirmation sent twice carries the same message id (the sender sends it once).
 */
final class OptinService {
    private static final Logger log = LoggerFactory.getLogger(OptinService.class);
    private static final int LOCK_STRIPES = 64;

    /** The result of a PUT: what happened, the preference now, and the confirmation's id if one was sent. */
    record OptInResult(PreferenceRules.Outcome outcome, TravellerPreference preference, Optional<String> confirmationMessageId) {
    }

    private final PreferenceStore store;
    private final PreferenceWriter writer;
    private final ConfirmationRequests confirmations;
    private final TopicRecords<TravellerPreference> preferences;
    private final TopicRecords<WhatsAppRequest> requests;
    private final Duration writeTimeout;
    private final Duration readTimeout;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final ErasureAudit audit;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    OptinService(PreferenceStore store, PreferenceWriter writer, ConfirmationRequests confirmations,
                 TopicRecords<TravellerPreference> preferences, TopicRecords<WhatsAppRequest> requests,
                 Duration writeTimeout, Duration readTimeout, Clock clock, MeterRegistry metrics, ErasureAudit audit) {
        this.store = store;
        this.writer = writer;
        this.confirmations = confirmations;
        this.preferences = preferences;
        this.requests = requests;
        this.writeTimeout = writeTimeout;
        this.readTimeout = readTimeout;
        this.clock = clock;
        this.metrics = metrics;
        this.audit = audit;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The traveller's preference; none once its booking's life is over (a recycled reference reads blank). */
    Optional<TravellerPreference> read(TravellerKey traveller) {
        return current(traveller).filter(p -> !BookingLife.isOver(p, clock.instant()));
    }

    OptInResult optIn(TravellerKey traveller, OptInRequest request) {
        return locked(traveller, () -> {
            TravellerPreference current = current(traveller).orElse(null);
            PreferenceRules.Decision decision = PreferenceRules.optIn(traveller.key(), current, request, clock.instant());
            count(decision.outcome());
            if (decision.outcome() == PreferenceRules.Outcome.STALE_CONSENT) {
                Instant optedOutAt = PreferenceRules.optedOutAt(current);
                throw new ProblemException(ProblemType.STALE_CONSENT,
                        "The traveller opted out at " + optedOutAt + "; opting in again needs consent given after that.",
                        List.of(new InvalidParam("consent.givenAt", "must be later than the opt-out at " + optedOutAt)));
            }
            if (!decision.writes()) {
                return new OptInResult(decision.outcome(), decision.next(), Optional.empty());
            }
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>(2);
            records.add(preferences.of(traveller.key(), decision.next()));
            Optional<String> confirmationId = Optional.empty();
            // The confirmation obeys the consent rule of every role (an opted-in preference always passes).
            if (decision.confirm() && Consent.allows(decision.next(), MessageKind.OPTIN_CONFIRMATION)) {
                WhatsAppRequest confirmation = confirmations.confirmationOf(traveller, decision.next(), clock.instant());
                records.add(requests.of(confirmation.getRecipient(), confirmation));
                confirmationId = Optional.of(confirmation.getMessageId());
            }
            writeAndAwait(traveller, records);
            confirmationId.ifPresent(id -> metrics.counter("appcare.optin.confirmations").increment());
            return new OptInResult(decision.outcome(), decision.next(), confirmationId);
        });
    }

    /** The preference after the opt-out, with the outcome; empty outcome NOT_FOUND when there was none. */
    PreferenceRules.Decision optOut(TravellerKey traveller) {
        return locked(traveller, () -> {
            PreferenceRules.Decision decision = PreferenceRules.optOut(current(traveller).orElse(null), clock.instant());
            count(decision.outcome());
            if (decision.writes()) {
                writeAndAwait(traveller, List.of(preferences.of(traveller.key(), decision.next())));
            }
            return decision;
        });
    }

    /**
     * Erases the traveller: a tombstone on the compacted topic and, in the same transaction, the audit
     * record of who asked (the API key's name) and when. Always written, even when this instance holds no
     * preference, so that an erasure request can never be lost to a stale view.
     */
    void erase(TravellerKey traveller, String caller) {
        locked(traveller, () -> {
            ProducerRecord<String, byte[]> record = audit.recordOf(traveller, caller, clock.instant());
            // The tombstone first: the write's answer is its position, which reads wait for.
            writeAndAwait(traveller, List.of(preferences.tombstone(traveller.key()), record));
            metrics.counter("appcare.optin.decisions", "outcome", "erased").increment();
            return null;
        });
    }

    private void writeAndAwait(TravellerKey traveller, List<ProducerRecord<String, byte[]>> records) {
        RecordMetadata written;
        try {
            written = writer.write(records).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw ProblemException.unavailable("The write was not acknowledged by Kafka and has been rolled back.");
        } catch (TimeoutException e) {
            throw ProblemException.unavailable("The write was not acknowledged by Kafka within " + writeTimeout.toMillis()
                    + " ms; it may still complete.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while writing.");
        }
        try {
            // The preference (or the tombstone) is always the first record of a write.
            store.awaitApplied(traveller.key(), records.get(0).value(), readTimeout);
        } catch (TimeoutException | PreferenceStore.NotServable e) {
            log.warn("Write committed at {}-{}@{} but not yet in the store: {}", written.topic(), written.partition(),
                    written.offset(), e.getMessage());
            throw ProblemException.unavailable("The write is committed but not yet visible to reads.");
        }
    }

    /** The traveller's preference in this instance's store, which owns the traveller's partition (else 503). */
    private Optional<TravellerPreference> current(TravellerKey traveller) {
        try {
            return store.get(traveller.key());
        } catch (PreferenceStore.NotServable e) {
            log.info("Preference store cannot answer now: {}", e.getMessage());
            throw ProblemException.unavailable("The traveller's partition is moving between instances (" + e.getMessage() + ").");
        }
    }

    private <T> T locked(TravellerKey traveller, Supplier<T> action) {
        ReentrantLock lock = locks[Math.floorMod(traveller.key().hashCode(), LOCK_STRIPES)];
        try {
            if (!lock.tryLock(writeTimeout.toMillis() + readTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw ProblemException.unavailable("Too many concurrent writes for this traveller.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted.");
        }
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void count(PreferenceRules.Outcome outcome) {
        metrics.counter("appcare.optin.decisions", "outcome", outcome.name().toLowerCase(Locale.ROOT)).increment();
    }

}
