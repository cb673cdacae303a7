package dev.appcare.sender;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.sender.state.PreferenceView;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher thread: takes the most urgent sendable request from the scheduler among the business
 * numbers that can send now (a rate token left, not paused), gathers the facts
 * {@link SendDecisions#beforeCall} decides on (ownership, expiry, the ledger now, in-doubt evidence,
 * consent) and then {@link SendDecisions#room} (the portfolio's messaging limit), and starts the call on
 * a virtual thread once it has an in-flight permit and its number's rate token.
 * Any failure of this thread other than a stop ends the process ({@code onDeath}): a sender that no longer
 * dispatches must not look alive.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final long CONSENT_RECHECK_MS = 50;
    private static final long CONSENT_CATCH_UP_LIMIT_MS = 10_000;

    private final SendPipeline pipeline;
    private final PreferenceView preferences;
    private static final long ROOM_RECHECK_MAX_MS = 60_000;

    private final NumberChannels channels;
    private final CallRunner calls;
    private final SenderMetrics metrics;
    private final Thread thread;
    private volatile boolean dispatching = true;
    private volatile Throwable failure;
    private long lastSweep;

    Dispatcher(SendPipeline pipeline, PreferenceView preferences, NumberChannels channels, CallRunner calls,
               SenderMetrics metrics, Runnable onDeath) {
        this.pipeline = pipeline;
        this.preferences = preferences;
        this.channels = channels;
        this.calls = calls;
        this.metrics = metrics;
        this.thread = new Thread(() -> {
            try {
                loop();
            } catch (Throwable t) {
                failure = t;
                log.error("The dispatcher died: {}", t.toString(), t);
                onDeath.run();
            }
        }, "sender-dispatcher");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean dispatching() {
        return dispatching;
    }

    Throwable failure() {
        return failure;
    }

    boolean healthy() {
        return failure == null;
    }

    private void loop() throws InterruptedException {
        while (dispatching) {
            try {
                calls.acquirePermit();
            } catch (InterruptedException e) {
                return; // stop()
            }
            SendJob job;
            try {
                job = nextJob();
            } catch (InterruptedException e) {
                calls.releasePermit();
                return;
            }
            if (job == null) {
                calls.releasePermit();
                return;
            }
            NumberChannel channel = channels.get(job.number);
            if (!readyToCall(job, channel)) {
                calls.releasePermit();
                continue;
            }
            try {
                channel.pacer.acquire(); // at once: nextJob saw a token, and only this thread takes them
            } catch (InterruptedException e) {
                calls.releasePermit();
                pipeline.requeue(job, pipeline.clock.getAsLong(), false, 0);
                return;
            }
            if (channel.suspension.active()) {
                channel.suspension.probeStarted(job.messageId);
                log.info("Probing number {} with {} while its sending is paused", channel.name(), job.messageId);
            }
            Thread.ofVirtual().name("send-" + job.messageId).start(() -> calls.attempt(job, channel));
        }
    }

    /** Waits for the best sendable job; null once dispatching stopped. */
    private SendJob nextJob() throws InterruptedException {
        pipeline.lock.lock();
        try {
            while (dispatching) {
                long now = pipeline.clock.getAsLong();
                sweepExpired(now);
                for (NumberChannel channel : channels.all()) {
                    if (channel.suspension.active()) {
                        long version = channel.token.version();
                        if (version != channel.seenTokenVersion) {
                            channel.seenTokenVersion = version;
                            channel.suspension.probeNow(now);
                        }
                    }
                }
                SendJob job = pipeline.scheduler.poll(now, number -> channels.get(number).open(now));
                if (job != null) {
                    return job;
                }
                long wakeAt = pipeline.scheduler.nextEligibleAt(now);
                if (wakeAt <= now) {
                    // Work is ready but its numbers are closed: sleep until the first of them may open, or
                    // until a waiting lane (pair interval, backoff) becomes sendable.
                    wakeAt = pipeline.scheduler.nextWaitingAt();
                    for (NumberChannel channel : channels.all()) {
                        if (pipeline.scheduler.hasReady(channel.name())) {
                            wakeAt = Math.min(wakeAt, channel.reopensAt(now));
                        }
                    }
                }
                pipeline.changed.await(Math.max(1, Math.min(wakeAt - now, 200)), TimeUnit.MILLISECONDS);
            }
            return null;
        } finally {
            pipeline.lock.unlock();
        }
    }

    /** Gathers the facts for {@link SendDecisions#beforeCall} and applies its decision; true = call now. */
    private boolean readyToCall(SendJob job, NumberChannel channel) {
        long now = pipeline.clock.getAsLong();
        SendLedgerEntry entry = pipeline.ledger.entryFor(job.source.partition(), job.messageId);
        ConsentPolicy.Decision consent = calls.consent(job);
        boolean settled = true;
        if (consent.verdict() == ConsentPolicy.Verdict.UNKNOWN_TRAVELLER) {
            // The preference may simply not have been read yet: catch the view up once, then decide.
            if (job.consentCatchUp == null) {
                job.consentCatchUp = preferences.catchUp();
                job.consentAskedAt = now;
            }
            settled = job.consentCatchUp.isDone() || now - job.consentAskedAt > CONSENT_CATCH_UP_LIMIT_MS;
            if (settled) {
                consent = calls.consent(job);
            }
        }
        boolean inDoubt = job.inDoubtSince > 0;
        SendDecisions.Before decision = SendDecisions.beforeCall(now, job.expiresAt(), pipeline.mayCall(job.source, now),
                entry, job.request.getKind(), inDoubt, job.waitedOnClaim, job.uncalledClaim, job.redrivenOver, job.evidenceUntil, pipeline.inDoubt,
                consent.verdict(), settled, !pipeline.config.dropUnknownTravellers());
        Outcomes outcomes = pipeline.outcomes;
        String reason = consent.reason();
        switch (decision) {
            case CALL, RESEND, REDRIVE -> {
                if (reason != null && consent.verdict() == ConsentPolicy.Verdict.SEND) {
                    log.warn("{} names no traveller; sent under sender.consent.keyless-override: {}", job.messageId,
                            pipeline.config.keylessOverride());
                    metrics.keylessOverride();
                    job.auditNote = reason;
                }
                if (!roomUnderTheMessagingLimit(job, channel, now)) {
                    return false;
                }
                job.supersedesClaim = switch (decision) {
                    case RESEND -> claimOf(entry);
                    case REDRIVE -> dev.appcare.sender.state.LedgerEntries.dropMark(entry);
                    default -> null;
                };
                return true;
            }
            case NOT_OURS -> {
                if (pipeline.owns(job.source)) {
                    // Ours, but the poll loop has not vouched for it lately (a pause?): look again shortly.
                    pipeline.requeue(job, now, false, now + 100);
                } else {
                    pipeline.requeue(job, now, false, now); // handed back: not re-queued
                }
            }
            case EXPIRED -> pipeline.finishThen(job, now, false, () ->
                    outcomes.drop(job, DeliveryState.EXPIRED, CallRunner.expiredReason(job), "expired"));
            case DUPLICATE -> pipeline.finishThen(job, now, false, () -> outcomes.reportOnly(job, DeliveryState.DUPLICATE,
                    entry.getWamid(), "recorded as " + entry.getState() + " (by another instance or a webhook) "
                            + "before this call; not sent", "duplicate"));
            case PROVED_ACCEPTED -> pipeline.finishThen(job, now, false, () -> outcomes.reportOnly(job,
                    DeliveryState.ACCEPTED, entry.getWamid(), "accepted (shown by a status webhook after the call "
                            + "went unanswered)", null));
            case WAIT_FOR_EVIDENCE -> {
                if (job.inDoubtSince == 0 || !java.util.Objects.equals(job.waitedOnClaim, entry.getClaim())) {
                    pipeline.waitOn(job, entry); // another attempt holds it now: wait on that one
                }
                pipeline.requeue(job, now, false, Math.max(now + CONSENT_RECHECK_MS, job.evidenceUntil));
            }
            case IN_DOUBT_GIVE_UP -> pipeline.finishThen(job, now, false, () ->
                    outcomes.inDoubtGivenUp(job, entry.getAt().toEpochMilli()));
            case NO_CONSENT -> pipeline.finishThen(job, now, false, () ->
                    outcomes.drop(job, DeliveryState.OPTED_OUT, reason, "opted-out"));
            case CHECK_CONSENT_AGAIN -> pipeline.requeue(job, now, false, now + CONSENT_RECHECK_MS);
        }
        return false;
    }

    /**
     * {@link SendDecisions#room}: whether the portfolio's messaging limit lets this request start a
     * conversation now; if not it waits in its lane (re-checked when the window frees room, at most a
     * minute later) and, if it expires meanwhile, is dropped with the limit as its reason.
     */
    private boolean roomUnderTheMessagingLimit(SendJob job, NumberChannel channel, long now) {
        MessagingLimit limit = channel.limit;
        boolean urgent = job.request.getPriority() == dev.appcare.avro.Priority.URGENT;
        SendDecisions.Room room = limit.admit(job.recipient, job.request.getText() == null, urgent, now);
        switch (room) {
            case SEND -> {
                job.waitingFor = null;
                return true;
            }
            case SEND_FROM_RESERVE -> {
                job.waitingFor = null;
                metrics.messagingLimit(limit.portfolio(), "urgent-from-reserve");
                return true;
            }
            case WAIT -> {
                metrics.messagingLimit(limit.portfolio(), "held");
                job.waitingFor = "the messaging limit of portfolio " + limit.portfolio() + " (" + limit.used() + " of "
                        + limit.limit() + " unique recipients in 24 h on this instance; the rest is kept for URGENT)";
                long retryAt = Math.min(Math.max(limit.roomAt(now), now + 1_000), now + ROOM_RECHECK_MAX_MS);
                pipeline.requeue(job, now, false, Math.min(retryAt, job.expiresAt()));
                return false;
            }
        }
        return false;
    }

    private static String claimOf(SendLedgerEntry entry) {
        return entry.getClaim() == null ? dev.appcare.sender.state.LedgerEntries.UNNAMED_CLAIM : entry.getClaim();
    }

    /** Drops queued jobs whose expiry passed (while waiting for a lane, a retry, or a suspension), once a second. */
    private void sweepExpired(long now) {
        if (now - lastSweep < 1_000) {
            return;
        }
        lastSweep = now;
        List<SendJob> expired = pipeline.scheduler.removeQueuedIf(j -> now >= j.expiresAt());
        for (SendJob job : expired) {
            pipeline.outcomes.drop(job, DeliveryState.EXPIRED, CallRunner.expiredReason(job), "expired");
        }
    }

    /** Stops starting calls (those in flight go on). */
    void stop() {
        dispatching = false;
        pipeline.lock.lock();
        try {
            pipeline.changed.signalAll();
        } finally {
            pipeline.lock.unlock();
        }
        thread.interrupt(); // wakes it from a pacer sleep or permit wait
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
