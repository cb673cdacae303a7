package dev.appcare.sender;

import dev.appcare.model.topics.Topics;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.SendLedger;
import dev.appcare.sender.state.WebhookEvents;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's periodic jobs, on one daemon thread ({@code sender-housekeeping}): forgetting ledger entries
 * of requests expired over {@code sender.ledger.retain-after-expiry} ago, forgetting webhook events older
 * than their topic's retention, compacting the preference store after an erasure (every quarter of the
 * erasure bound, docs/privacy.md) and, every second, the sender's watchdog. A job that fails is logged and
 * runs again at its next turn.
 */
final class SenderHousekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SenderHousekeeping.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sender-housekeeping");
        t.setDaemon(true);
        return t;
    });

    /** Schedules the jobs; {@code webhookEvents} is null without the webhook. */
    SenderHousekeeping(SenderConfig config, LongSupplier clock, SendLedger ledger, PreferenceView preferences,
                       WebhookEvents webhookEvents, Runnable watchdog) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                int pruned = ledger.pruneExpired(clock.getAsLong(), config.ledgerRetainAfterExpiry()).size();
                if (pruned > 0) {
                    log.info("Forgot {} ledger entries of requests that expired over {} ago", pruned,
                            config.ledgerRetainAfterExpiry());
                }
            } catch (RuntimeException e) {
                log.warn("Ledger pruning failed: {}", e.toString());
            }
        }, 1, 5, TimeUnit.MINUTES);
        if (webhookEvents != null) {
            Duration window = Topics.WEBHOOK_EVENTS.retention().orElseThrow();
            executor.scheduleWithFixedDelay(() -> {
                try {
                    webhookEvents.prune(clock.getAsLong(), window);
                } catch (RuntimeException e) {
                    log.warn("Pruning the webhook events failed: {}", e.toString());
                }
            }, 5, 5, TimeUnit.MINUTES);
        }
        executor.scheduleWithFixedDelay(watchdog, 1, 1, TimeUnit.SECONDS);
        long compactEvery = config.state().erasure().maxCompactionLag().toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                if (preferences.compactForErasure()) {
                    log.info("Preference store compacted: erased travellers' numbers are gone from disk too");
                }
            } catch (RuntimeException e) {
                log.warn("Compacting the preference store failed: {}", e.toString());
            }
        }, compactEvery, compactEvery, TimeUnit.MILLISECONDS);
    }

    /** Stops every job now (a job running is interrupted). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
