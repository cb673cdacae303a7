package dev.appcare.whatsappsim;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Settings for a new simulator; every option has a default that suits a fast in-process test. The builder
 * holds one {@link SimulatorSettings} value and each method replaces one value of one part of it; the parts
 * check their values, so a bad one fails at the call that gives it.
 */
public final class SimulatorBuilder {
    private SimulatorSettings settings;

    SimulatorBuilder() {
        this(SimulatorSettings.defaults());
    }

    /** Starts from these settings (run-time {@link WhatsAppSimulator#reconfigure}). */
    SimulatorBuilder(SimulatorSettings settings) {
        this.settings = settings;
    }

    private SimulatorBuilder server(UnaryOperator<SimulatorSettings.Server> change) {
        settings = settings.withServer(change.apply(settings.server()));
        return this;
    }

    private SimulatorBuilder account(UnaryOperator<SimulatorSettings.Account> change) {
        settings = settings.withAccount(change.apply(settings.account()));
        return this;
    }

    private SimulatorBuilder limits(UnaryOperator<SimulatorSettings.Limits> change) {
        settings = settings.withLimits(change.apply(settings.limits()));
        return this;
    }

    private SimulatorBuilder answers(UnaryOperator<SimulatorSettings.Answers> change) {
        settings = settings.withAnswers(change.apply(settings.answers()));
        return this;
    }

    private SimulatorBuilder statuses(UnaryOperator<SimulatorSettings.Statuses> change) {
        settings = settings.withStatuses(change.apply(settings.statuses()));
        return this;
    }

    private SimulatorBuilder webhooks(UnaryOperator<SimulatorSettings.Webhooks> change) {
        settings = settings.withWebhooks(change.apply(settings.webhooks()));
        return this;
    }

    /** TCP port; 0 (default) picks a free one, see {@link WhatsAppSimulator#port()}. */
    public SimulatorBuilder port(int port) {
        return server(s -> s.withPort(port));
    }

    /** Address to listen on; default 127.0.0.1 (loopback only). */
    public SimulatorBuilder bindAddress(String bindAddress) {
        return server(s -> s.withBindAddress(bindAddress));
    }

    /** Jetty worker threads (default 32); requests never hold one while they wait for latency. */
    public SimulatorBuilder httpThreads(int httpThreads) {
        return server(s -> s.withHttpThreads(httpThreads));
    }

    /** The bearer token send requests must carry (default {@code sim-access-token}); else 401 / 190. */
    public SimulatorBuilder accessToken(String accessToken) {
        return account(a -> a.withAccessToken(accessToken));
    }

    /** The app secret webhooks are signed with (default {@code sim-app-secret}). */
    public SimulatorBuilder appSecret(String appSecret) {
        return webhooks(w -> w.withAppSecret(appSecret));
    }

    /** Where status and inbound webhooks are posted; null (default) posts none. */
    public SimulatorBuilder webhookUrl(URI webhookUrl) {
        return webhooks(w -> w.withUrl(webhookUrl));
    }

    public SimulatorBuilder webhookUrl(String webhookUrl) {
        return webhookUrl(webhookUrl == null ? null : URI.create(webhookUrl));
    }

    /** The WhatsApp Business Account id in {@code entry[].id} of webhooks. */
    public SimulatorBuilder wabaId(String wabaId) {
        return account(a -> a.withWabaId(wabaId));
    }

    /** {@code metadata.display_phone_number} of webhooks. */
    public SimulatorBuilder displayPhoneNumber(String displayPhoneNumber) {
        return account(a -> a.withDisplayPhoneNumber(displayPhoneNumber));
    }

    /** The business phone-number-ids that exist; empty (default) accepts any numeric id. Others get 100. */
    public SimulatorBuilder phoneNumberIds(String... ids) {
        return phoneNumberIds(List.of(ids));
    }

    public SimulatorBuilder phoneNumberIds(Collection<String> ids) {
        return account(a -> a.withPhoneNumberIds(Set.copyOf(ids)));
    }

    /** Approved templates; default {@link ApprovedTemplates#defaults()}. */
    public SimulatorBuilder templates(ApprovedTemplates templates) {
        return account(a -> a.withTemplates(templates));
    }

    /**
     * Messages per second per phone-number-id (default 80; Meta allows up to 1,000). A token bucket of
     * that many messages refilled continuously at that rate; see {@link #rateLimitGrace(Duration)}.
     */
    public SimulatorBuilder throughputPerSecond(int throughputPerSecond) {
        return limits(l -> l.withThroughputPerSecond(throughputPerSecond));
    }

    /** The ceiling of one business number, overriding {@link #throughputPerSecond(int)} for it (130429 above it). */
    public SimulatorBuilder throughputPerSecond(String phoneNumberId, int throughputPerSecond) {
        return limits(l -> l.withThroughputOf(phoneNumberId, throughputPerSecond));
    }

    /** Pair rate: one message per {@code period} to the same recipient (default 1 per 6 s), burst of {@code burst}. */
    public SimulatorBuilder pairRate(int burst, Duration period) {
        return limits(l -> l.withPairRate(burst, period));
    }

    /** Jitter allowance added to both buckets as extra refill time (default 100 ms; 0 for an exact limit). */
    public SimulatorBuilder rateLimitGrace(Duration grace) {
        return limits(l -> l.withGrace(grace));
    }

    /**
     * The time, in nanoseconds, both rate limits refill by (default {@link System#nanoTime()}): a test gives
     * its own and moves it on instead of waiting for a pair period to pass.
     */
    public SimulatorBuilder rateLimitTime(LongSupplier nanoTime) {
        return limits(l -> l.withNanoTime(nanoTime));
    }

    /** HTTP status of 130429 answers (default 429; some copies of Meta's table say 400). */
    public SimulatorBuilder throughputErrorHttpStatus(int status) {
        return answers(a -> a.withThroughputErrorHttpStatus(status));
    }

    /** HTTP status of 131056 answers (default 400, as in Meta's table). */
    public SimulatorBuilder pairRateErrorHttpStatus(int status) {
        return answers(a -> a.withPairRateErrorHttpStatus(status));
    }

    /** Answer latency: {@code fixed} plus a uniform random 0..{@code jitter} (default 0 + 0). */
    public SimulatorBuilder latency(Duration fixed, Duration jitter) {
        return answers(a -> a.withLatency(fixed, jitter));
    }

    public SimulatorBuilder latency(Duration fixed) {
        return latency(fixed, Duration.ZERO);
    }

    /** Time from the answer to the first status webhook and between webhooks of a message (default 20 ms). */
    public SimulatorBuilder statusDelay(Duration statusDelay) {
        return statuses(s -> s.withDelay(statusDelay));
    }

    /** Probability of a {@code delivered} after {@code sent} (default 1.0). */
    public SimulatorBuilder deliveredProbability(double p) {
        return statuses(s -> s.withDeliveredProbability(p));
    }

    /** Probability of a {@code read} after {@code delivered} (default 0.5). */
    public SimulatorBuilder readProbability(double p) {
        return statuses(s -> s.withReadProbability(p));
    }

    /** Probability that a status webhook is posted twice (default 0). */
    public SimulatorBuilder duplicateProbability(double p) {
        return statuses(s -> s.withDuplicateProbability(p));
    }

    /** Probability that a message's statuses are posted in a shuffled order (default 0). */
    public SimulatorBuilder reorderProbability(double p) {
        return statuses(s -> s.withReorderProbability(p));
    }

    /** Seed of every random choice except latency jitter (default 42). */
    public SimulatorBuilder seed(long seed) {
        settings = settings.withSeed(seed);
        return this;
    }

    /** Webhook POST attempts before giving up (default 5), with exponential backoff from {@code backoff} (200 ms). */
    public SimulatorBuilder webhookRetries(int maxAttempts, Duration backoff) {
        return webhooks(w -> w.withRetries(maxAttempts, backoff));
    }

    /** Timeout of one webhook POST (default 5 s). */
    public SimulatorBuilder webhookTimeout(Duration timeout) {
        return webhooks(w -> w.withTimeout(timeout));
    }

    /** At most this many webhook POSTs open at once (default 64); more wait in a queue. */
    public SimulatorBuilder webhookMaxConcurrentPosts(int max) {
        return webhooks(w -> w.withMaxConcurrentPosts(max));
    }

    /** How many accepted messages are kept for queries (default 100,000; counters are not bounded). */
    public SimulatorBuilder maxRecordedMessages(int max) {
        settings = settings.withMaxRecordedMessages(max);
        return this;
    }

    SimulatorSettings settings() {
        return settings;
    }

    /** A simulator with these settings, not started. */
    public WhatsAppSimulator build() {
        return new WhatsAppSimulator(settings());
    }

    /** {@code build().start()}. */
    public WhatsAppSimulator start() {
        return build().start();
    }
}
