package dev.appcare.sender;

import dev.appcare.avro.Correlation;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.serde.BadRecordException;
import dev.appcare.sender.cloudapi.CloudApiClient;
import dev.appcare.sender.cloudapi.ErrorClass;
import dev.appcare.sender.cloudapi.SendOutcome;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.SendLedger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a request in the sender, from the moment the consumer hands it over until its outcome is
 * recorded and its offset may be committed.
 *
 * <pre>
 *  poll thread            dispatcher thread                     one virtual thread per call
 *  ───────────            ─────────────────                     ───────────────────────────
 *  accept(record)
 *   ├ ledger says ACCEPTED/DROPPED ─► DUPLICATE status
 *   ├ ledger says ATTEMPTING ───────► in doubt (UNKNOWN status, not resent)
 *   ├ supersedes X ─► X dropped (SUPERSEDED) if still unsent
 *   ├ expired ──────► EXPIRED
 *   └ SendScheduler ──► next(): most urgent request whose
 *     (lanes per          recipient's pair interval has passed
 *      recipient)         ├ expired / opted out ─► dropped
 *                         ├ in-flight permit (max-in-flight)
 *                         ├ Pacer token (the ceiling)        ─► ledger ATTEMPTING (acked)
 *                         └───────────────────────────────────► POST /messages
 *                                                               ├ 200 ──────► ledger ACCEPTED + status ACCEPTED
 *                                                               ├ throttled/temporary ─► tombstone, back to the
 *                                                               │                 scheduler after backoff+jitter
 *                                                               │                 (EXPIRED once past expiresAt)
 *                                                               ├ terminal ─► ledger DROPPED + DLQ + DEAD_LETTERED
 *                                                               ├ 190/368 ──► suspend all sending, request kept
 *                                                               └ no answer ► in doubt (see below)
 *                                          outcome recorded (acks) ─► OffsetTracker.complete ─► commit
 * </pre>
 *
 * <h2>The ledger protocol, and the one window it cannot close</h2>
 * Before each call the sender writes {@code ATTEMPTING} for the messageId to {@code sender.ledger.v1} and
 * waits for the broker's acknowledgement; only then does it call WhatsApp. The answer decides the next
 * entry: {@code ACCEPTED} with the wamid; a tombstone when WhatsApp answered with an error (it did not take
 * the message, so sending again is safe); {@code DROPPED} when the sender gives up on it. The request's
 * offset is committed only after that outcome (and its status record) is acknowledged. Whoever reads the
 * request again (after a restart, a rebalance, a replay) first reads the ledger to the end, and so
 * <em>never sends an id the ledger shows as ACCEPTED, DROPPED or ATTEMPTING</em>.
 *
 * <p>What cannot be closed: a call that was sent and got no answer (a response timeout, a connection lost
 * mid-call, or the sender killed while waiting). WhatsApp may have accepted and delivered it, or never
 * seen it; the Cloud API has no idempotency key to ask with, so no protocol on this side can know. The
 * ledger then stays at {@code ATTEMPTING}, and the design <b>errs towards at-most-once</b>: an in-doubt id
 * is not sent again, neither by this instance nor by one that takes over after a crash; the sender
 * publishes a status {@code UNKNOWN} ("in doubt") so that the gap is visible and an operator can resend.
 * Why this way: a duplicate "your gate changed" or a second boarding pass is what travellers notice and
 * distrust (DESIGN: "never a flood"), and most in-doubt calls did reach WhatsApp (the answer is what got
 * lost). Evidence narrows the window: if a status webhook for the id arrives later (it carries the
 * messageId in {@code biz_opaque_callback_data}), the webhook handler records {@code ACCEPTED}. A deployment
 * that prefers at-least-once sets {@code sender.in-doubt.resend-after}: an in-doubt id is then sent again
 * that long after the unanswered call unless a webhook proved it was accepted in the meantime.
 *
 * <p>Calls that provably never left (connection refused, connect timeout) are not in doubt: they are
 * retried like any temporary error.
 *
 * <h2>Threads</h2>
 * One lock guards the scheduler and the "finishing" bookkeeping; calls run on virtual threads (hundreds
 * in flight cost little); ledger and status writes are asynchronous, and the offset is completed from
 * their acknowledgement callbacks.
 */
public final class SendPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SendPipeline.class);
    private static final Duration LEDGER_WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final long CONSENT_RECHECK_MS = 50;
    private static final long CONSENT_CATCH_UP_LIMIT_MS = 10_000;

    private final SenderConfig config;
    private final CloudApiClient api;
    private final SendLedger ledger;
    private final PreferenceView preferences;
    private final RecordWriter writer;
    private final OffsetTracker offsets;
    private final SenderMetrics metrics;
    private final LongSupplier clock;
    private final Pacer pacer;
    private final Suspension suspension;
    private final TokenSource token;
    private final SendScheduler scheduler;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /**
     * Ids whose outcome is being written (a copy arriving now must not be sent), with a count. Added to
     * under the lock together with the scheduler change; removed lock-free from the producer's callback
     * once the ledger view shows the outcome (taking the lock there could deadlock with a thread that
     * holds it while the producer's buffer is full).
     */
    private final Map<String, Integer> finishing = new ConcurrentHashMap<>();
    /** Request partitions this instance owns; jobs of others are handed back, never re-queued. */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private final Thread dispatcher;
    private volatile boolean dispatching = true;
    private long seq;
    private long lastSweep;
    private long seenTokenVersion;

    SendPipeline(SenderConfig config, CloudApiClient api, SendLedger ledger, PreferenceView preferences,
                 RecordWriter writer, OffsetTracker offsets, SenderMetrics metrics, LongSupplier clock,
                 Pacer pacer, TokenSource token) {
        this.config = config;
        this.api = api;
        this.ledger = ledger;
        this.preferences = preferences;
        this.writer = writer;
        this.offsets = offsets;
        this.metrics = metrics;
        this.clock = clock;
        this.pacer = pacer;
        this.token = token;
        this.suspension = new Suspension(config.suspendFirstProbe(), config.suspendMaxProbe());
        this.scheduler = new SendScheduler(config.pairInterval().toMillis());
        this.permits = new Semaphore(config.maxInFlight());
        this.seenTokenVersion = token.version();
        this.dispatcher = new Thread(this::dispatchLoop, "sender-dispatcher");
        this.dispatcher.setDaemon(true);
    }

    void start() {
        dispatcher.start();
    }

    // ─── intake (poll thread) ───────────────────────────────────────────────────────────────────

    void partitionsAssigned(Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
    }

    /** Takes in one decoded request. */
    void accept(ConsumerRecord<byte[], byte[]> record, WhatsAppRequest request) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.track(tp, record.offset());
        long now = clock.getAsLong();
        lock.lock();
        try {
            Optional<Replay.Kind> replay = Replay.kindOf(record.headers());
            SendJob job = new SendJob(request, ReplayPolicy.rank(request.getPriority(), replay), seq++, tp,
                    record.offset(), record.timestamp(), record.key(), record.value());
            if (scheduler.contains(job.messageId) || finishing.containsKey(job.messageId)) {
                reportOnly(job, status(job, DeliveryState.DUPLICATE, null, null,
                        "a copy of this request (or a decision about it) is being recorded by this instance; not sent again"), "duplicate");
                return;
            }
            SendLedgerEntry entry = ReplayPolicy.ledgerView(ledger.get(job.messageId), replay);
            switch (LedgerRules.onArrival(entry)) {
                case ALREADY_ACCEPTED -> {
                    reportOnly(job, status(job, DeliveryState.DUPLICATE, entry.getWamid(), null,
                            "already accepted by WhatsApp; not sent again"), "duplicate");
                    return;
                }
                case ALREADY_DROPPED -> {
                    reportOnly(job, status(job, DeliveryState.DUPLICATE, null, null,
                            "already dropped (expired, superseded, opted out or dead-lettered); not sent"), "duplicate");
                    return;
                }
                case IN_DOUBT -> {
                    long attemptedAt = entry.getAt().toEpochMilli();
                    Long resendAt = LedgerRules.inDoubtResendAt(attemptedAt, config.inDoubtResendAfter());
                    if (resendAt == null) {
                        giveUpInDoubt(job, attemptedAt);
                        return;
                    }
                    job.inDoubtSince = attemptedAt;
                    job.notBefore = resendAt;
                }
                case SEND -> {
                }
            }
            if (request.getSupersedes() != null && !request.getSupersedes().equals(job.messageId)) {
                supersede(request.getSupersedes(), job);
            }
            if (now >= job.expiresAt()) {
                drop(job, DeliveryState.EXPIRED, "expired before it could be sent", "expired");
                return;
            }
            scheduler.add(job);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** An undecodable request: dead-lettered with the reason, never blocks the partition. */
    void acceptBad(ConsumerRecord<byte[], byte[]> record, BadRecordException error) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.track(tp, record.offset());
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setReason(error.getMessage())
                .setErrorType(error.reason().name())
                .setStage("sender")
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setSourceTimestamp(Instant.ofEpochMilli(record.timestamp()))
                .setFailedAt(Instant.ofEpochMilli(clock.getAsLong()))
                .setAttempts(1)
                .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .build();
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        metrics.dropped("bad-record");
        writer.reliably("dead letter of " + tp + "@" + record.offset(), () -> writer.deadLetter(key, deadLetter))
                .thenRun(() -> offsets.complete(tp, record.offset()));
    }

    /** Drops the still-queued request {@code oldId}, or makes sure it is never sent if it comes later. */
    private void supersede(String oldId, SendJob newer) {
        SendJob old = scheduler.removeQueued(oldId);
        if (old != null) {
            drop(old, DeliveryState.SUPERSEDED, "superseded by " + newer.messageId, "superseded");
            return;
        }
        if (scheduler.contains(oldId) || finishing.containsKey(oldId)) {
            return; // being sent right now: too late, the newer one follows it
        }
        if (ledger.get(oldId) != null) {
            return; // accepted, dropped or in doubt already
        }
        // Not seen (yet) here: a DROPPED entry keeps it from ever being sent if it arrives later (replay).
        long now = clock.getAsLong();
        SendLedgerEntry dropped = SendLedger.entry(oldId, LedgerState.DROPPED, now, null, newer.expiresAt());
        DeliveryStatus status = DeliveryStatus.newBuilder().setMessageId(oldId).setStatus(DeliveryState.SUPERSEDED)
                .setAt(Instant.ofEpochMilli(now)).setRecipient(newer.recipient)
                .setErrorTitle("superseded by " + newer.messageId + " before it reached the sender")
                .setTravellerKey(correlation(newer).getTravellerKey()).setFlightKey(correlation(newer).getFlightKey())
                .build();
        metrics.dropped("superseded");
        // Until the DROPPED entry is acknowledged (and in the ledger view), the id counts as finishing, so
        // the old request arriving right behind the new one (same partition, same poll) is not sent.
        finishing.merge(oldId, 1, Integer::sum);
        newer.intakeWrites = CompletableFuture.allOf(
                writer.reliably("ledger " + oldId, () -> ledger.record(dropped)),
                writer.reliably("status " + oldId, () -> writer.status(status)));
        newer.intakeWrites.whenComplete((ok, error) -> finishing.computeIfPresent(oldId, (id, n) -> n == 1 ? null : n - 1));
    }

    // ─── dispatch (dispatcher thread) ───────────────────────────────────────────────────────────

    private void dispatchLoop() {
        while (dispatching) {
            try {
                permits.acquire();
                SendJob job = nextJob();
                if (job == null) {
                    permits.release();
                    break;
                }
                if (!readyToSend(job)) {
                    permits.release();
                    continue;
                }
                pacer.acquire();
                if (suspension.active()) {
                    suspension.probeStarted(job.messageId);
                    log.info("Probing with {} while sending is paused", job.messageId);
                }
                Thread.ofVirtual().name("send-" + job.messageId).start(() -> attempt(job));
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                log.error("Dispatcher error (continuing): {}", e.toString(), e);
                permits.release();
            }
        }
    }

    /** Waits for the best sendable job; null once dispatching stopped. */
    private SendJob nextJob() throws InterruptedException {
        lock.lock();
        try {
            while (dispatching) {
                long now = clock.getAsLong();
                sweepExpired(now);
                if (suspension.active()) {
                    long version = token.version();
                    if (version != seenTokenVersion) {
                        seenTokenVersion = version;
                        suspension.probeNow(now);
                    }
                    if (!suspension.probeDue(now)) {
                        changed.await(Math.max(1, Math.min(1_000, suspension.probeAt() - now)), TimeUnit.MILLISECONDS);
                        continue;
                    }
                }
                SendJob job = scheduler.poll(now);
                if (job != null) {
                    return job;
                }
                long wait = scheduler.nextEligibleAt(now) - now;
                changed.await(Math.max(1, Math.min(wait, 200)), TimeUnit.MILLISECONDS);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Last checks before spending a rate token: expiry, consent, in-doubt evidence. */
    private boolean readyToSend(SendJob job) {
        long now = clock.getAsLong();
        if (now >= job.expiresAt()) {
            finishThen(job, now, false, () -> drop(job, DeliveryState.EXPIRED, expiredReason(job), "expired"));
            return false;
        }
        if (job.inDoubtSince > 0) {
            SendLedgerEntry entry = ledger.get(job.messageId);
            if (entry != null && entry.getState() == LedgerState.ACCEPTED) {
                finishThen(job, now, false, () -> reportOnly(job, status(job, DeliveryState.ACCEPTED,
                        entry.getWamid(), null, "accepted (shown by a status webhook after the call went unanswered)"),
                        null));
                return false;
            }
        }
        ConsentPolicy.Decision decision = consent(job);
        switch (decision.verdict()) {
            case SEND -> {
                return true;
            }
            case DROP -> {
                finishThen(job, now, false, () -> drop(job, DeliveryState.OPTED_OUT, decision.reason(), "opted-out"));
                return false;
            }
            case UNKNOWN_TRAVELLER -> {
                // The preference may simply not have been read yet: catch the view up once, then decide.
                if (job.consentCatchUp == null) {
                    job.consentCatchUp = preferences.catchUp();
                    job.consentAskedAt = now;
                }
                boolean waited = job.consentCatchUp.isDone() || now - job.consentAskedAt > CONSENT_CATCH_UP_LIMIT_MS;
                if (!waited) {
                    requeue(job, now, false, now + CONSENT_RECHECK_MS);
                    return false;
                }
                if (consent(job).verdict() == ConsentPolicy.Verdict.SEND) {
                    return true;
                }
                if (!config.dropUnknownTravellers()) {
                    return true;
                }
                finishThen(job, now, false, () -> drop(job, DeliveryState.OPTED_OUT, decision.reason(), "opted-out"));
                return false;
            }
        }
        return true;
    }

    private ConsentPolicy.Decision consent(SendJob job) {
        String travellerKey = correlation(job).getTravellerKey();
        return ConsentPolicy.decide(job.request, travellerKey == null ? null : preferences.get(travellerKey),
                travellerKey == null ? preferences.forPhone(job.recipient) : List.of());
    }

    // ─── one call (virtual thread) ──────────────────────────────────────────────────────────────

    private void attempt(SendJob job) {
        long attemptedAt = clock.getAsLong();
        try {
            if (job.pendingForget != null) {
                // The tombstone of the previous attempt must land before this attempt's ATTEMPTING entry.
                job.pendingForget.get(LEDGER_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                job.pendingForget = null;
            }
            job.attempts++;
            try {
                ledger.record(SendLedger.entry(job.messageId, LedgerState.ATTEMPTING, attemptedAt, null, job.expiresAt()))
                        .get(LEDGER_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Without a durable ATTEMPTING entry the call must not be made; try again later.
                log.warn("Cannot record ATTEMPTING for {} ({}); not calling WhatsApp, retrying later",
                        job.messageId, e.toString());
                job.attempts--;
                handle(job, SendOutcome.notSent("ledger unavailable: " + e), attemptedAt);
                return;
            }
            long started = System.nanoTime();
            SendOutcome outcome = api.send(job.request);
            metrics.call(outcome.errorClass().name(), outcome.errorCode(), System.nanoTime() - started);
            handle(job, outcome, attemptedAt);
        } catch (Throwable t) {
            // Unexpected: the call may have been made. Treat as in doubt (at-most-once), never as "not sent".
            log.error("Unexpected failure around the call for {}: {}", job.messageId, t.toString(), t);
            handle(job, SendOutcome.inDoubt("sender error: " + t), attemptedAt);
        } finally {
            permits.release();
        }
    }

    private void handle(SendJob job, SendOutcome outcome, long attemptedAt) {
        long now = clock.getAsLong();
        ErrorClass outcomeClass = outcome.errorClass();
        boolean conclusive = outcomeClass != ErrorClass.IN_DOUBT && outcome.reachedServer();
        if (outcomeClass != ErrorClass.SUSPEND && conclusive) {
            if (suspension.onHealthyAnswer(job.messageId)) {
                log.info("WhatsApp answers again ({}): sending resumed", outcome.errorClass());
            }
        } else if (!conclusive) {
            suspension.probeInconclusive(job.messageId, now);
        }
        switch (outcomeClass) {
            case ACCEPTED -> {
                metrics.accepted();
                finishThen(job, now, true, () -> record(job, List.of(
                        ledgerWrite(SendLedger.entry(job.messageId, LedgerState.ACCEPTED, now, outcome.wamid(),
                                job.expiresAt())),
                        statusWrite(status(job, DeliveryState.ACCEPTED, outcome.wamid(), null, null)))));
            }
            case THROTTLED, TEMPORARY -> {
                job.lastErrorCode = outcome.errorCode();
                job.lastErrorTitle = outcome.reason();
                long retryAt = now + config.retryBackoff().delayMillis(job.attempts, ThreadLocalRandom.current());
                if (retryAt >= job.expiresAt()) {
                    finishThen(job, now, outcome.reachedServer(), () -> drop(job, DeliveryState.EXPIRED,
                            expiredReason(job), "expired"));
                } else {
                    job.pendingForget = writer.reliably("ledger " + job.messageId, () -> ledger.forget(job.messageId));
                    requeue(job, now, outcome.reachedServer(), retryAt);
                }
            }
            case TERMINAL -> finishThen(job, now, true, () -> deadLetter(job, outcome));
            case SUSPEND -> {
                suspension.suspend(outcome.errorCode() == null ? outcome.httpStatus() : outcome.errorCode(),
                        outcome.reason(), now);
                log.error("Sending paused: {} ({}); requests are kept and sent once WhatsApp accepts calls again",
                        outcome.reason(), suspension.describe());
                job.attempts--; // not the message's fault
                job.pendingForget = writer.reliably("ledger " + job.messageId, () -> ledger.forget(job.messageId));
                requeue(job, now, false, now);
            }
            case IN_DOUBT -> {
                Long resendAt = LedgerRules.inDoubtResendAt(attemptedAt, config.inDoubtResendAfter());
                if (resendAt == null) {
                    finishThen(job, now, true, () -> giveUpInDoubt(job, attemptedAt));
                } else {
                    job.inDoubtSince = attemptedAt;
                    requeue(job, now, true, resendAt);
                }
            }
        }
    }

    private void deadLetter(SendJob job, SendOutcome outcome) {
        long now = clock.getAsLong();
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setReason(outcome.reason())
                .setErrorType("WHATSAPP_TERMINAL")
                .setErrorCode(outcome.errorCode())
                .setStage("sender")
                .setSourceTopic(job.source.topic())
                .setSourcePartition(job.source.partition())
                .setSourceOffset(job.offset)
                .setSourceTimestamp(Instant.ofEpochMilli(job.sourceTimestamp))
                .setFailedAt(Instant.ofEpochMilli(now))
                .setAttempts(job.attempts)
                .setMessageId(job.messageId)
                .setExpiresAt(job.request.getExpiresAt())
                .setOriginalKey(job.rawKey == null ? null : ByteBuffer.wrap(job.rawKey))
                .setOriginalValue(ByteBuffer.wrap(job.rawValue))
                .build();
        metrics.dropped("dead-lettered");
        record(job, List.of(
                ledgerWrite(SendLedger.entry(job.messageId, LedgerState.DROPPED, now, null, job.expiresAt())),
                () -> writer.deadLetter(job.recipient, deadLetter),
                statusWrite(status(job, DeliveryState.DEAD_LETTERED, null, outcome.errorCode(), outcome.reason()))));
    }

    // ─── outcomes ───────────────────────────────────────────────────────────────────────────────

    /** Ends the in-flight attempt in the scheduler (lane free, job done), then runs {@code then}. */
    private void finishThen(SendJob job, long now, boolean reachedWhatsApp, Runnable then) {
        lock.lock();
        try {
            scheduler.finish(job, now, reachedWhatsApp, null);
            changed.signalAll();
            then.run();
        } finally {
            lock.unlock();
        }
    }

    /** Puts the job back for {@code retryAt}, unless its partition was handed to another instance. */
    private void requeue(SendJob job, long now, boolean reachedWhatsApp, long retryAt) {
        lock.lock();
        try {
            boolean stillOurs = owned.contains(job.source) && dispatching;
            scheduler.finish(job, now, reachedWhatsApp, stillOurs ? retryAt : null);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Dropped for good: ledger DROPPED and a status saying why. */
    private void drop(SendJob job, DeliveryState state, String reason, String metric) {
        metrics.dropped(metric);
        long now = clock.getAsLong();
        record(job, List.of(
                ledgerWrite(SendLedger.entry(job.messageId, LedgerState.DROPPED, now, null, job.expiresAt())),
                statusWrite(status(job, state, null, job.lastErrorCode, reason))));
    }

    private void giveUpInDoubt(SendJob job, long attemptedAt) {
        metrics.dropped("in-doubt");
        log.warn("{} is in doubt: a call at {} got no answer, WhatsApp may have sent it; not sending it again",
                job.messageId, Instant.ofEpochMilli(attemptedAt));
        reportOnly(job, status(job, DeliveryState.UNKNOWN, null, null,
                "in doubt: the call at " + Instant.ofEpochMilli(attemptedAt) + " got no answer; WhatsApp may or may "
                        + "not have sent it; not resent (at-most-once)"), null);
    }

    /** One asynchronous write of an outcome. */
    @FunctionalInterface
    private interface Write {
        CompletableFuture<?> send();
    }

    private Write ledgerWrite(SendLedgerEntry entry) {
        return () -> ledger.record(entry);
    }

    private Write statusWrite(DeliveryStatus status) {
        return () -> writer.status(status);
    }

    /** Reports a decision that changes nothing in the ledger (duplicate, in doubt); then the offset is done. */
    private void reportOnly(SendJob job, DeliveryStatus status, String droppedMetric) {
        if (droppedMetric != null) {
            metrics.dropped(droppedMetric);
        }
        completeAfter(job, List.of(statusWrite(status)), false);
    }

    /**
     * Records an outcome that changes the ledger. Until it is acknowledged (and the ledger view shows it),
     * the id counts as "finishing", so a copy of the request arriving meanwhile is not sent.
     */
    private void record(SendJob job, List<Write> writes) {
        lock.lock();
        try {
            finishing.merge(job.messageId, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
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
                .setMessageId(job.messageId)
                .setStatus(state)
                .setAt(Instant.ofEpochMilli(clock.getAsLong()))
                .setWamid(wamid)
                .setRecipient(job.recipient)
                .setErrorCode(errorCode)
                .setErrorTitle(title)
                .setTravellerKey(correlation.getTravellerKey())
                .setFlightKey(correlation.getFlightKey())
                .build();
    }

    private static Correlation correlation(SendJob job) {
        Correlation c = job.request.getCorrelation();
        return c != null ? c : new Correlation();
    }

    private static String expiredReason(SendJob job) {
        return job.lastErrorTitle == null ? "expired before it could be sent"
                : "expired while retrying after " + job.lastErrorTitle;
    }

    /** Drops queued jobs whose expiry passed (while waiting for a lane, a retry, or a suspension), once a second. */
    private void sweepExpired(long now) {
        if (now - lastSweep < 1_000) {
            return;
        }
        lastSweep = now;
        for (SendJob job : scheduler.removeQueuedIf(j -> now >= j.expiresAt())) {
            drop(job, DeliveryState.EXPIRED, expiredReason(job), "expired");
        }
    }

    // ─── rebalance and shutdown ─────────────────────────────────────────────────────────────────

    /**
     * Gives up partitions: their queued requests are handed back (their offsets stay uncommitted, so the
     * next owner reads them again), calls in flight are given up to {@code wait} to finish and record
     * their outcome. Returns when the partitions have nothing left in flight or the wait is over.
     */
    void handBack(Collection<TopicPartition> partitions, Duration wait) {
        owned.removeAll(partitions);
        Map<TopicPartition, Integer> handedBack = new HashMap<>();
        lock.lock();
        try {
            for (SendJob job : scheduler.removeQueuedIf(j -> partitions.contains(j.source))) {
                handedBack.merge(job.source, 1, Integer::sum);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            boolean settled = partitions.stream()
                    .allMatch(tp -> offsets.pending(tp) <= handedBack.getOrDefault(tp, 0));
            if (settled) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("Handing back {} with calls still unanswered after {}: they stay ATTEMPTING (in doubt)",
                partitions, wait);
    }

    /** Stops starting calls (those in flight go on). */
    void stopDispatching() {
        dispatching = false;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        dispatcher.interrupt(); // wakes it from a pacer sleep or permit wait
        try {
            dispatcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Set<TopicPartition> owned() {
        return Set.copyOf(owned);
    }

    boolean suspended() {
        return suspension.active();
    }

    String describeSuspension() {
        return suspension.describe();
    }

    int inFlight() {
        return config.maxInFlight() - permits.availablePermits();
    }

    int queued() {
        lock.lock();
        try {
            return scheduler.queued();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        stopDispatching();
    }
}
