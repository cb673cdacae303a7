package dev.appcare.whatsappsim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Plans the status webhooks of an accepted message: sent, then delivered and read with their
 * probabilities (or a single failed for async failures); sometimes reordered, sometimes duplicated.
 * Random choices come from (seed, n-th accepted message), so a fixed seed and order give fixed plans.
 */
final class StatusWebhooks {

    private final Supplier<WebhookPayloads> payloads;
    private final Consumer<List<WebhookDispatcher.Post>> submit;
    private final AtomicLong planSequence = new AtomicLong();

    StatusWebhooks(Supplier<WebhookPayloads> payloads, Consumer<List<WebhookDispatcher.Post>> submit) {
        this.payloads = payloads;
        this.submit = submit;
    }

    void plan(SimulatorSettings settings, SentMessage m, long firstDelayNanos) {
        if (settings.webhooks().url() == null) {
            return; // nothing to post to: messages accepted while no URL is set never get statuses
        }
        SplittableRandom random = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + planSequence.incrementAndGet());
        record Step(String status, Instant at) {
        }
        SimulatorSettings.Statuses s = settings.statuses();
        long stepMillis = Math.max(1, s.delay().toMillis());
        List<Step> steps = new ArrayList<>(3);
        if (m.asyncFailureCode() != null) {
            steps.add(new Step("failed", m.acceptedAt().plusMillis(stepMillis)));
        } else {
            steps.add(new Step("sent", m.acceptedAt().plusMillis(stepMillis)));
            if (random.nextDouble() < s.deliveredProbability()) {
                steps.add(new Step("delivered", m.acceptedAt().plusMillis(2 * stepMillis)));
                if (random.nextDouble() < s.readProbability()) {
                    steps.add(new Step("read", m.acceptedAt().plusMillis(3 * stepMillis)));
                }
            }
        }
        if (steps.size() >= 2 && random.nextDouble() < s.reorderProbability()) {
            List<Step> original = List.copyOf(steps);
            do {
                for (int i = steps.size() - 1; i > 0; i--) {
                    Collections.swap(steps, i, random.nextInt(i + 1));
                }
            } while (steps.equals(original));
        }
        List<WebhookDispatcher.Post> posts = new ArrayList<>(steps.size() * 2);
        WebhookPayloads p = payloads.get();
        for (Step step : steps) {
            byte[] body = p.status(m, step.status(), step.at(),
                    "failed".equals(step.status()) ? m.asyncFailureCode() : null);
            Duration delay = posts.isEmpty() ? Duration.ofNanos(firstDelayNanos) : s.delay();
            posts.add(new WebhookDispatcher.Post("status", m.wamid(), step.status(), body, delay, false));
            if (random.nextDouble() < s.duplicateProbability()) {
                posts.add(new WebhookDispatcher.Post("status", m.wamid(), step.status(), body, s.delay(), true));
            }
        }
        submit.accept(posts);
    }

    /** The seeded random starts over. */
    void reset() {
        planSequence.set(0);
    }
}
