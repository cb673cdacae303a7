package dev.appcare.sender;

import dev.appcare.model.rules.Rejection;
import dev.appcare.model.rules.RequestLimits;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.serde.BadRecordException;
import dev.appcare.sender.state.SendLedger;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a request in the sender, from the moment the consumer hands it over until its outcome is
 * recorded and its offset may be committed. The decisions are {@link SendDecisions}' (pure functions);
 * this class and its helpers gather the facts and apply them:
 *
 * <pre>
 *  poll thread              dispatcher thread ({@link Dispatcher})   a virtual thread per call ({@link CallRunner})
 *  ───────────              ─────────────────────────────────────   ─────────────────────────────────────────────
 *  accept(record)
 *   SendDecisions.onArrival   next(): most urgent request whose
 *   ├ duplicate/in doubt/     recipient's pair interval has passed
 *   │ expired ─► status        SendDecisions.beforeCall
 *   ├ supersedes X ─► X        ├ not ours / expired / ledger changed /
 *   │ dropped if unsent        │ in doubt / no consent ─► applied
 *   └ SendScheduler ─────────► ├ in-flight permit, Pacer token ─────►  ledger claim (ATTEMPTING, read back: the
 *                              ▼                                        first claim in the log wins) ─► POST
 *                                                                      SendDecisions.afterOutcome ─► {@link Outcomes}
 *                                             outcome acknowledged ─► OffsetTracker.complete ─► commit
 * </pre>
 *
 * <h2>The guarantee, and the window it leaves</h2>
 * See {@code docs/sender.md} ("Once per message"): a call is made only by the instance that owns the
 * request's partition (with a fresh ownership lease) <em>and</em> whose ledger claim for the messageId
 * is the first in the log; an unanswered call leaves the id in doubt, resolved from status-webhook
 * evidence within {@code sender.in-doubt.evidence-wait}, then by the per-kind {@link InDoubtPolicy}.
 *
 * <h2>Threads</h2>
 * One lock guards the scheduler; calls run on virtual threads; ledger and status writes are
 * asynchronous, and the offset is completed from their acknowledgement callbacks.
 */
public final class SendPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SendPipeline.class);

    final SenderConfig config;
    final SendLedger ledger;
    final OffsetTracker offsets;
    final LongSupplier clock;
    final InDoubtPolicy inDoubt;
    final Outcomes outcomes;
    final SendScheduler scheduler;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    /** Request partitions this instance owns; jobs of others are handed back, never re-queued. */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    /** Until when the poll loop's last successful poll vouches for {@link #owned} (epoch ms). */
    private volatile long leaseUntil;
    private final long leaseMillis;
    private final java.util.function.Function<WhatsAppRequest, String> router;
    private Dispatcher dispatcher;
    private long seq;

    /** {@code router} names the business number of each request ({@link NumberChannels#route}). */
    SendPipeline(SenderConfig config, SendLedger ledger, OffsetTracker offsets, Outcomes outcomes, LongSupplier clock,
                 java.util.function.Function<WhatsAppRequest, String> router) {
        this.config = config;
        this.ledger = ledger;
        this.offsets = offsets;
        this.outcomes = outcomes;
        this.clock = clock;
        this.router = router;
        this.inDoubt = config.inDoubtPolicy();
        Map<String, Long> pairIntervals = new HashMap<>();
        config.numbers().forEach(n -> pairIntervals.put(n.name(), n.pairInterval().toMillis()));
        long defaultPair = config.pairInterval().toMillis();
        this.scheduler = new SendScheduler(number -> pairIntervals.getOrDefault(number, defaultPair));
        this.leaseMillis = config.ownershipLease().toMillis();
    }

    void start(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        dispatcher.start();
    }

    // ─── ownership (poll thread) ────────────────────────────────────────────────────────────────

    void partitionsAssigned(Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
    }

    /** The poll loop polled without losing partitions: what it owns is vouched for a lease more. */
    void renewLease(long now) {
        leaseUntil = now + leaseMillis;
    }

    /**
     * Whether a call for {@code tp} may start now: the partition is ours and the poll loop confirmed it
     * recently. A process paused longer than the lease (SIGSTOP, a long GC) has lost its group session
     * by the time it runs again, and makes no call until its poll loop has caught up with that.
     */
    boolean mayCall(TopicPartition tp, long now) {
        return owned.contains(tp) && now < leaseUntil;
    }

    boolean owns(TopicPartition tp) {
        return owned.contains(tp);
    }

    // ─── intake (poll thread) ───────────────────────────────────────────────────────────────────

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
            job.number = router.apply(request);
            Optional<Rejection> refused = RequestLimits.refusal(request, now);
            if (refused.isPresent()) { // past WhatsApp's sizes or with an absurd time: dead-lettered once, never sent
                outcomes.deadLetter(job, refused.get().errorType(), null, refused.get().reason());
                return;
            }
            boolean copy = scheduler.contains(job.messageId) || outcomes.finishing(job.messageId);
            SendLedgerEntry actual = ledger.entryFor(tp.partition(), job.messageId);
            SendLedgerEntry entry = ReplayPolicy.ledgerView(actual, replay);
            job.redrivenOver = ReplayPolicy.redrivenOver(actual, replay);
            switch (SendDecisions.onArrival(copy, entry, request.getKind(), now, job.expiresAt(), inDoubt)) {
                case COPY_IN_PROGRESS -> {
                    outcomes.reportOnly(job, DeliveryState.DUPLICATE, null, "a copy of this request (or a decision "
                            + "about it) is being recorded by this instance; not sent again", "duplicate");
                    return;
                }
                case ALREADY_ACCEPTED -> {
                    outcomes.reportOnly(job, DeliveryState.DUPLICATE, entry.getWamid(),
                            "already accepted by WhatsApp; not sent again", "duplicate");
                    return;
                }
                case ALREADY_DROPPED -> {
                    outcomes.reportOnly(job, DeliveryState.DUPLICATE, null,
                            "already dropped (expired, superseded, opted out or dead-lettered); not sent", "duplicate");
                    return;
                }
                case IN_DOUBT_GIVE_UP -> {
                    outcomes.inDoubtGivenUp(job, entry.getAt().toEpochMilli());
                    return;
                }
                case EXPIRED -> {
                    outcomes.drop(job, DeliveryState.EXPIRED, "expired before it could be sent", "expired");
                    return;
                }
                case IN_DOUBT_WAIT -> waitOn(job, entry);
                case QUEUE -> {
                }
            }
            String supersedes = request.getSupersedes();
            if (supersedes != null && !supersedes.equals(job.messageId)) {
                supersede(supersedes, job);
            }
            scheduler.add(job);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@code job} wait for evidence about the unanswered attempt {@code entry} records. */
    void waitOn(SendJob job, SendLedgerEntry entry) {
        long attemptedAt = entry.getAt().toEpochMilli();
        job.waitedOnClaim = entry.getClaim();
        job.inDoubtSince = attemptedAt;
        job.evidenceUntil = inDoubt.waitUntil(job.request.getKind(), attemptedAt);
        job.notBefore = Math.max(job.notBefore, job.evidenceUntil);
    }

    /** An undecodable request: dead-lettered with the reason, never blocks the partition. */
    void acceptBad(ConsumerRecord<byte[], byte[]> record, BadRecordException error) {
        offsets.track(new TopicPartition(record.topic(), record.partition()), record.offset());
        outcomes.badRecord(record, error);
    }

    /** Drops the still-queued request {@code oldId}, or makes sure it is never sent if it comes later. */
    private void supersede(String oldId, SendJob newer) {
        SendJob old = scheduler.removeQueued(oldId);
        if (old != null) {
            outcomes.drop(old, DeliveryState.SUPERSEDED, "superseded by " + newer.messageId, "superseded");
            return;
        }
        if (scheduler.contains(oldId) || outcomes.finishing(oldId) || ledger.get(oldId) != null) {
            return; // being sent right now (too late: the newer one follows), or accepted, dropped, in doubt
        }
        newer.intakeWrites = outcomes.supersededUnseen(oldId, newer);
    }

    // ─── used by the dispatcher and the calls ───────────────────────────────────────────────────

    /** Ends the job's in-flight attempt in the scheduler (lane free, job done), then runs {@code then}. */
    void finishThen(SendJob job, long now, boolean reachedWhatsApp, Runnable then) {
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
    void requeue(SendJob job, long now, boolean reachedWhatsApp, long retryAt) {
        lock.lock();
        try {
            boolean stillOurs = owned.contains(job.source) && dispatcher.dispatching();
            scheduler.finish(job, now, reachedWhatsApp, stillOurs ? retryAt : null);
            changed.signalAll();
        } finally {
            lock.unlock();
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
            if (partitions.stream().allMatch(tp -> offsets.pending(tp) <= handedBack.getOrDefault(tp, 0))) {
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
        if (dispatcher != null) {
            dispatcher.stop();
        }
    }

    Set<TopicPartition> owned() {
        return Set.copyOf(owned);
    }

    int queued() {
        return locked(scheduler::queued);
    }

    /** Jobs taken from the queue whose attempt (the checks before the call, the call) is not over yet. */
    int inFlight() {
        return locked(scheduler::inFlight);
    }

    private int locked(IntSupplier read) {
        lock.lock();
        try {
            return read.getAsInt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        stopDispatching();
    }
}
