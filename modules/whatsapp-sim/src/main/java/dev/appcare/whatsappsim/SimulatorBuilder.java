package dev.appcare.whatsappsim;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Settings for a new simulator; every option has a default that suits a fast in-process test. */
public final class SimulatorBuilder {
    private int port = 0;
    private String bindAddress = "127.0.0.1";
    private int httpThreads = 32;
    private String accessToken = "sim-access-token";
    private String appSecret = "sim-app-secret";
    private URI webhookUrl;
    private String wabaId = "102290129340398";
    private String displayPhoneNumber = "15550783881";
    private Set<String> phoneNumberIds = Set.of();
    private ApprovedTemplates templates;
    private int throughputPerSecond = 80;
    private final Map<String, Integer> throughputPerNumber = new LinkedHashMap<>();
    private int pairBurst = 1;
    private Duration pairPeriod = Duration.ofSeconds(6);
    private Duration rateLimitGrace = Duration.ofMillis(100);
    private int throughputErrorHttpStatus = 429;
    private int pairRateErrorHttpStatus = 400;
    private Duration latency = Duration.ZERO;
    private Duration latencyJitter = Duration.ZERO;
    private Duration statusDelay = Duration.ofMillis(20);
    private double deliveredProbability = 1.0;
    private double readProbability = 0.5;
    private double duplicateProbability = 0.0;
    private double reorderProbability = 0.0;
    private long seed = 42L;
    private int webhookMaxAttempts = 5;
    private Duration webhookRetryBackoff = Duration.ofMillis(200);
    private Duration webhookTimeout = Duration.ofSeconds(5);
    private int webhookMaxConcurrentPosts = 64;
    private int maxRecordedMessages = 100_000;

    SimulatorBuilder() {
    }

    static SimulatorBuilder from(SimulatorSettings s) {
        SimulatorBuilder b = new SimulatorBuilder();
        b.port = s.port();
        b.bindAddress = s.bindAddress();
        b.httpThreads = s.httpThreads();
        b.accessToken = s.accessToken();
        b.appSecret = s.appSecret();
        b.webhookUrl = s.webhookUrl();
        b.wabaId = s.wabaId();
        b.displayPhoneNumber = s.displayPhoneNumber();
        b.phoneNumberIds = s.phoneNumberIds();
        b.templates = s.templates();
        b.throughputPerSecond = s.throughputPerSecond();
        b.throughputPerNumber.putAll(s.throughputPerNumber());
        b.pairBurst = s.pairBurst();
        b.pairPeriod = s.pairPeriod();
        b.rateLimitGrace = s.rateLimitGrace();
        b.throughputErrorHttpStatus = s.throughputErrorHttpStatus();
        b.pairRateErrorHttpStatus = s.pairRateErrorHttpStatus();
        b.latency = s.latency();
        b.latencyJitter = s.latencyJitter();
        b.statusDelay = s.statusDelay();
        b.deliveredProbability = s.deliveredProbability();
        b.readProbability = s.readProbability();
        b.duplicateProbability = s.duplicateProbability();
        b.reorderProbability = s.reorderProbability();
        b.seed = s.seed();
        b.webhookMaxAttempts = s.webhookMaxAttempts();
        b.webhookRetryBackoff = s.webhookRetryBackoff();
        b.webhookTimeout = s.webhookTimeout();
        b.webhookMaxConcurrentPosts = s.webhookMaxConcurrentPosts();
        b.maxRecordedMessages = s.maxRecordedMessages();
        return b;
    }

    /** TCP port; 0 (default) picks a free one, see {@link WhatsAppSimulator#port()}. */
    public SimulatorBuilder port(int port) {
        this.port = port;
        return this;
    }

    /** Address to listen on; default 127.0.0.1 (loopback only). */
    public SimulatorBuilder bindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
        return this;
    }

    /** Jetty worker threads (default 32); requests never hold one while they wait for latency. */
    public SimulatorBuilder httpThreads(int httpThreads) {
        this.httpThreads = httpThreads;
        return this;
    }

    /** The bearer token send requests must carry (default {@code sim-access-token}); else 401 / 190. */
    public SimulatorBuilder accessToken(String accessToken) {
        this.accessToken = accessToken;
        return this;
    }

    /** The app secret webhooks are signed with (default {@code sim-app-secret}). */
    public SimulatorBuilder appSecret(String appSecret) {
        this.appSecret = appSecret;
        return this;
    }

    /** Where status and inbound webhooks are posted; null (default) posts none. */
    public SimulatorBuilder webhookUrl(URI webhookUrl) {
        this.webhookUrl = webhookUrl;
        return this;
    }

    public SimulatorBuilder webhookUrl(String webhookUrl) {
        return webhookUrl(webhookUrl == null ? null : URI.create(webhookUrl));
    }

    /** The WhatsApp Business Account id in {@code entry[].id} of webhooks. */
    public SimulatorBuilder wabaId(String wabaId) {
        this.wabaId = wabaId;
        return this;
    }

    /** {@code metadata.display_phone_number} of webhooks. */
    public SimulatorBuilder displayPhoneNumber(String displayPhoneNumber) {
        this.displayPhoneNumber = displayPhoneNumber;
        return this;
    }

    /** The business phone-number-ids that exist; empty (default) accepts any numeric id. Others get 100. */
    public SimulatorBuilder phoneNumberIds(String... ids) {
        this.phoneNumberIds = new LinkedHashSet<>(List.of(ids));
        return this;
    }

    public SimulatorBuilder phoneNumberIds(Collection<String> ids) {
        this.phoneNumberIds = new LinkedHashSet<>(ids);
        return this;
    }

    /** Approved templates; default {@link ApprovedTemplates#defaults()}. */
    public SimulatorBuilder templates(ApprovedTemplates templates) {
        this.templates = templates;
        return this;
    }

    /**
     * Messages per second per phone-number-id (default 80; Meta allows up to 1,000). A token bucket of
     * that many messages refilled continuously at that rate; see {@link #rateLimitGrace(Duration)}.
     */
    public SimulatorBuilder throughputPerSecond(int throughputPerSecond) {
        this.throughputPerSecond = throughputPerSecond;
        return this;
    }

    /** The ceiling of one business number, overriding {@link #throughputPerSecond(int)} for it (130429 above it). */
    public SimulatorBuilder throughputPerSecond(String phoneNumberId, int throughputPerSecond) {
        this.throughputPerNumber.put(phoneNumberId, throughputPerSecond);
        return this;
    }

    /** Pair rate: one message per {@code period} to the same recipient (default 1 per 6 s), burst of {@code burst}. */
    public SimulatorBuilder pairRate(int burst, Duration period) {
        this.pairBurst = burst;
        this.pairPeriod = period;
        return this;
    }

    /** Jitter allowance added to both buckets as extra refill time (default 100 ms; 0 for an exact limit). */
    public SimulatorBuilder rateLimitGrace(Duration grace) {
        this.rateLimitGrace = grace;
        return this;
    }

    /** HTTP status of 130429 answers (default 429; some copies of Meta's table say 400). */
    public SimulatorBuilder throughputErrorHttpStatus(int status) {
        this.throughputErrorHttpStatus = status;
        return this;
    }

    /** HTTP status of 131056 answers (default 400, as in Meta's table). */
    public SimulatorBuilder pairRateErrorHttpStatus(int status) {
        this.pairRateErrorHttpStatus = status;
        return this;
    }

    /** Answer latency: {@code fixed} plus a uniform random 0..{@code jitter} (default 0 + 0). */
    public SimulatorBuilder latency(Duration fixed, Duration jitter) {
        this.latency = fixed;
        this.latencyJitter = jitter;
        return this;
    }

    public SimulatorBuilder latency(Duration fixed) {
        return latency(fixed, Duration.ZERO);
    }

    /** Time from the answer to the first status webhook and between webhooks of a message (default 20 ms). */
    public SimulatorBuilder statusDelay(Duration statusDelay) {
        this.statusDelay = statusDelay;
        return this;
    }

    /** Probability of a {@code delivered} after {@code sent} (default 1.0). */
    public SimulatorBuilder deliveredProbability(double p) {
        this.deliveredProbability = p;
        return this;
    }

    /** Probability of a {@code read} after {@code delivered} (default 0.5). */
    public SimulatorBuilder readProbability(double p) {
        this.readProbability = p;
        return this;
    }

    /** Probability that a status webhook is posted twice (default 0). */
    public SimulatorBuilder duplicateProbability(double p) {
        this.duplicateProbability = p;
        return this;
    }

    /** Probability that a message's statuses are posted in a shuffled order (default 0). */
    public SimulatorBuilder reorderProbability(double p) {
        this.reorderProbability = p;
        return this;
    }

    /** Seed of every random choice except latency jitter (default 42). */
    public SimulatorBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Webhook POST attempts before giving up (default 5), with exponential backoff from {@code backoff} (200 ms). */
    public SimulatorBuilder webhookRetries(int maxAttempts, Duration backoff) {
        this.webhookMaxAttempts = maxAttempts;
        this.webhookRetryBackoff = backoff;
        return this;
    }

    /** Timeout of one webhook POST (default 5 s). */
    public SimulatorBuilder webhookTimeout(Duration timeout) {
        this.webhookTimeout = timeout;
        return this;
    }

    /** At most this many webhook POSTs open at once (default 64); more wait in a queue. */
    public SimulatorBuilder webhookMaxConcurrentPosts(int max) {
        this.webhookMaxConcurrentPosts = max;
        return this;
    }

    /** How many accepted messages are kept for queries (default 100,000; counters are not bounded). */
    public SimulatorBuilder maxRecordedMessages(int max) {
        this.maxRecordedMessages = max;
        return this;
    }

    SimulatorSettings settings() {
        return new SimulatorSettings(port, bindAddress, httpThreads, accessToken, appSecret, webhookUrl, wabaId,
                displayPhoneNumber, phoneNumberIds, templates != null ? templates : ApprovedTemplates.defaults(),
                throughputPerSecond, pairBurst, pairPeriod, rateLimitGrace, throughputErrorHttpStatus,
                pairRateErrorHttpStatus, latency, latencyJitter, statusDelay, deliveredProbability,
                readProbability, duplicateProbability, reorderProbability, seed, webhookMaxAttempts,
                webhookRetryBackoff, webhookTimeout, webhookMaxConcurrentPosts, maxRecordedMessages,
                throughputPerNumber);
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
