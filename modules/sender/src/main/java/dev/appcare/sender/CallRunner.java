package dev.appcare.sender;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.DeadLetterType;
import dev.appcare.sender.cloudapi.ErrorClass;
import dev.appcare.sender.cloudapi.SendOutcome;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call, on its own virtual thread: claim the messageId in the ledger (the claim is read back, and
 * only the first claim in the log may call), call the Cloud API, and apply
 * {@link SendDecisions#afterOutcome} to the answer.
 */
final class CallRunner {
    private static final Logger log = LoggerFactory.getLogger(CallRunner.class);
    private static final Duration LEDGER_WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final SendPipeline pipeline;
    private final PreferenceView preferences;
    private final RecordWriter writer;
    /** Room for calls in flight ({@code sender.max-in-flight}): one permit a call, taken before it starts. */
    private final Semaphore permits;
    private final SenderMetrics metrics;
    private final String instanceId;
    private final AtomicLong claims = new AtomicLong();

    CallRunner(SendPipeline pipeline, PreferenceView preferences, RecordWriter writer, SenderMetrics metrics,
               String instanceId) {
        this.pipeline = pipeline;
        this.preferences = preferences;
        this.writer = writer;
        this.permits = new Semaphore(pipeline.config.maxInFlight());
        this.metrics = metrics;
        this.instanceId = instanceId;
    }

    /** Waits for room for one more call in flight; {@link #attempt} gives it back when its call is over. */
    void acquirePermit() throws InterruptedException {
        permits.acquire();
    }

    /** Gives back a permit that no call was started with. */
    void releasePermit() {
        permits.release();
    }

    /** Claims a job may lose in a row before it is dead-lettered as a ledger conflict instead of claiming for ever. */
    static final int MAX_CLAIMS_LOST = 5;

    ConsentPolicy.Decision consent(SendJob job) {
        String travellerKey = Outcomes.correlation(job).getTravellerKey();
        TravellerPreference preference = travellerKey == null ? null : preferences.get(travellerKey);
        List<TravellerPreference> phone = travellerKey == null ? preferences.forPhone(job.recipient) : List.of();
        return ConsentPolicy.decide(job.request, preference, phone, pipeline.config.keylessOverride());
    }

    /** One attempt of {@code job} through its business number {@code channel}. */
    void attempt(SendJob job, NumberChannel channel) {
        long attemptedAt = pipeline.clock.getAsLong();
        try {
            if (job.pendingForget != null) {
                // The tombstone of the previous attempt must land before this attempt's claim.
                job.pendingForget.get(LEDGER_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                job.pendingForget = null;
            }
            String claim = instanceId + "#" + claims.incrementAndGet();
            boolean won;
            try {
                won = pipeline.ledger.claim(job.source.partition(), LedgerEntries.attempt(job.messageId, attemptedAt, job.expiresAt(), claim,
                        job.supersedesClaim)).get(LEDGER_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Without a claim that counts the call must not be made; the claim may still land: remember it.
                log.warn("Cannot claim {} in the ledger ({}); not calling WhatsApp, retrying later", job.messageId, e.toString());
                job.uncalledClaim = claim;
                long now = pipeline.clock.getAsLong();
                pipeline.requeue(job, now, false, now + pipeline.config.retryBackoff().delayMillis(1, ThreadLocalRandom.current()));
                return;
            }
            job.uncalledClaim = null;
            job.supersedesClaim = null;
            if (!won) {
                metrics.claimLost();
                apply(job, channel, null, attemptedAt, claim, false);
                return;
            }
            job.claimsLostInARow = 0;
            job.attempts++;
            long started = System.nanoTime();
            SendOutcome outcome = channel.api.send(job.request);
            metrics.call(outcome.errorClass().name(), outcome.errorCode(), System.nanoTime() - started);
            metrics.numberCall(channel.name(), outcome.errorClass());
            apply(job, channel, outcome, attemptedAt, claim, true);
        } catch (Throwable t) {
            // Unexpected: the call may have been made. Treat as in doubt, never as "not sent".
            log.error("Unexpected failure around the call for {}: {}", job.messageId, t.toString(), t);
            apply(job, channel, SendOutcome.inDoubt("sender error: " + t), attemptedAt, null, true);
        } finally {
            permits.release();
        }
    }

    private void apply(SendJob job, NumberChannel channel, SendOutcome outcome, long attemptedAt, String claim,
                       boolean claimWon) {
        Suspension suspension = channel.suspension;
        long now = pipeline.clock.getAsLong();
        ErrorClass outcomeClass = outcome == null ? ErrorClass.TEMPORARY : outcome.errorClass();
        long retryAt = now + pipeline.config.retryBackoff().delayMillis(Math.max(1, job.attempts), ThreadLocalRandom.current());
        SendDecisions.After decision = SendDecisions.afterOutcome(outcomeClass, claimWon, retryAt, job.expiresAt(),
                job.request.getKind(), pipeline.inDoubt);
        if (outcome != null) {
            noteForSuspension(suspension, job, outcome, now);
        }
        boolean reached = outcome != null && outcome.reachedServer();
        Outcomes outcomes = pipeline.outcomes;
        switch (decision) {
            case RECORD_ACCEPTED -> pipeline.finishThen(job, now, true, () -> outcomes.accepted(job, outcome));
            case RETRY -> {
                job.lastErrorCode = outcome.errorCode();
                job.lastErrorTitle = outcome.reason();
                job.pendingForget = forget(job);
                pipeline.requeue(job, now, reached, retryAt);
            }
            case EXPIRE -> {
                job.lastErrorCode = outcome.errorCode();
                job.lastErrorTitle = outcome.reason();
                pipeline.finishThen(job, now, reached, () -> outcomes.drop(job, DeliveryState.EXPIRED,
                        expiredReason(job), "expired"));
            }
            case DEAD_LETTER -> pipeline.finishThen(job, now, true, () -> outcomes.deadLetter(job, outcome));
            case SUSPEND -> {
                suspension.suspend(outcome.errorCode() == null ? outcome.httpStatus() : outcome.errorCode(),
                        outcome.reason(), now);
                log.error("Sending through number {} paused: {} ({}); requests are kept and sent once WhatsApp "
                        + "accepts calls again", channel.name(), outcome.reason(), suspension.describe());
                job.attempts--; // not the message's fault
                job.pendingForget = forget(job);
                pipeline.requeue(job, now, false, now);
            }
            case PAUSE_NUMBER -> {
                long until = now + pipeline.config.numberPause().toMillis();
                channel.pauseUntil(until, outcome.reason());
                log.warn("Number {} is in maintenance ({}): paused until {}, its requests wait and are retried",
                        channel.name(), outcome.reason(), java.time.Instant.ofEpochMilli(until));
                job.attempts--; // not the message's fault, nor an error
                job.lastErrorTitle = outcome.reason();
                job.pendingForget = forget(job);
                pipeline.requeue(job, now, false, now);
            }
            case IN_DOUBT_WAIT -> {
                job.inDoubtSince = attemptedAt;
                job.waitedOnClaim = claim;
                job.evidenceUntil = pipeline.inDoubt.waitUntil(job.request.getKind(), attemptedAt);
                log.warn("{}: no answer ({}); waiting until {} for a status webhook, then the in-doubt policy "
                        + "decides ({}: {})", job.messageId, outcome.reason(),
                        java.time.Instant.ofEpochMilli(job.evidenceUntil), job.request.getKind(),
                        pipeline.inDoubt.afterWait(job.request.getKind()));
                pipeline.requeue(job, now, true, job.evidenceUntil);
            }
            case CLAIM_LOST -> {
                if (++job.claimsLostInARow > MAX_CLAIMS_LOST) {
                    // Another attempt wins once, then this job sees it in the ledger and waits; losing again and
                    // again means the ledger contradicts itself. Never call on it, never loop: dead-letter it.
                    log.error("{}: lost {} ledger claims in a row; dead-lettered (LEDGER_CONFLICT), not sent",
                            job.messageId, job.claimsLostInARow);
                    pipeline.finishThen(job, now, false, () -> pipeline.outcomes.deadLetter(job, DeadLetterType.LEDGER_CONFLICT, null,
                            "lost " + job.claimsLostInARow + " ledger claims in a row; not sent (docs/sender.md)"));
                    return;
                }
                log.info("{}: another attempt claimed it first in the ledger; not calling", job.messageId);
                pipeline.requeue(job, now, false, now); // the dispatcher looks at the ledger again
            }
        }
    }

    private java.util.concurrent.CompletableFuture<Void> forget(SendJob job) {
        return writer.reliably("ledger " + job.messageId, () -> pipeline.ledger.forget(job.source.partition(), job.messageId));
    }

    private static void noteForSuspension(Suspension suspension, SendJob job, SendOutcome outcome, long now) {
        boolean conclusive = outcome.errorClass() != ErrorClass.IN_DOUBT && outcome.reachedServer();
        if (outcome.errorClass() != ErrorClass.SUSPEND && conclusive) {
            if (suspension.onHealthyAnswer(job.messageId)) {
                log.info("WhatsApp answers again ({}): sending resumed", outcome.errorClass());
            }
        } else if (!conclusive) {
            suspension.probeInconclusive(job.messageId, now);
        }
    }

    static String expiredReason(SendJob job) {
        if (job.waitingFor != null) {
            return "expired while waiting for " + job.waitingFor;
        }
        return job.lastErrorTitle == null ? "expired before it could be sent"
                : "expired while retrying after " + job.lastErrorTitle;
    }
}
