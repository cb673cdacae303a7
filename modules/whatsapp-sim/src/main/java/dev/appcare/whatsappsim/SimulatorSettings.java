package dev.appcare.whatsappsim;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Every knob of the simulator, immutable, grouped by the part that reads it. Built with
 * {@link WhatsAppSimulator#builder()} (which holds one of these and replaces a part per call); changed at run
 * time with {@link WhatsAppSimulator#reconfigure(java.util.function.Consumer)} (all but {@link #server()}).
 * Each part checks its own values. See the builder methods for what each value means.
 */
public record SimulatorSettings(Server server, Account account, Limits limits, Answers answers,
                                Statuses statuses, Webhooks webhooks, long seed, int maxRecordedMessages) {

    /** The monotonic time the rate limits refill by unless a test gives its own. */
    static final LongSupplier SYSTEM_NANO_TIME = System::nanoTime;

    /** The builder's defaults: loopback, ephemeral port, Meta's default limits, no latency, no webhooks. */
    static SimulatorSettings defaults() {
        return new SimulatorSettings(
                new Server(0, "127.0.0.1", 32),
                new Account("sim-access-token", "102290129340398", "15550783881", Set.of(),
                        ApprovedTemplates.defaults()),
                new Limits(80, Map.of(), 1, Duration.ofSeconds(6), Duration.ofMillis(100), SYSTEM_NANO_TIME),
                new Answers(Duration.ZERO, Duration.ZERO, 429, 400),
                new Statuses(Duration.ofMillis(20), 1.0, 0.5, 0.0, 0.0),
                new Webhooks(null, "sim-app-secret", 5, Duration.ofMillis(200), Duration.ofSeconds(5), 64),
                42L, 100_000);
    }

    public SimulatorSettings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(statuses, "statuses");
        Objects.requireNonNull(webhooks, "webhooks");
        if (maxRecordedMessages < 1) {
            throw new IllegalArgumentException("maxRecordedMessages must be at least 1");
        }
    }

    SimulatorSettings withServer(Server s) {
        return new SimulatorSettings(s, account, limits, answers, statuses, webhooks, seed, maxRecordedMessages);
    }

    SimulatorSettings withAccount(Account a) {
        return new SimulatorSettings(server, a, limits, answers, statuses, webhooks, seed, maxRecordedMessages);
    }

    SimulatorSettings withLimits(Limits l) {
        return new SimulatorSettings(server, account, l, answers, statuses, webhooks, seed, maxRecordedMessages);
    }

    SimulatorSettings withAnswers(Answers a) {
        return new SimulatorSettings(server, account, limits, a, statuses, webhooks, seed, maxRecordedMessages);
    }

    SimulatorSettings withStatuses(Statuses s) {
        return new SimulatorSettings(server, account, limits, answers, s, webhooks, seed, maxRecordedMessages);
    }

    SimulatorSettings withWebhooks(Webhooks w) {
        return new SimulatorSettings(server, account, limits, answers, statuses, w, seed, maxRecordedMessages);
    }

    SimulatorSettings withSeed(long s) {
        return new SimulatorSettings(server, account, limits, answers, statuses, webhooks, s, maxRecordedMessages);
    }

    SimulatorSettings withMaxRecordedMessages(int max) {
        return new SimulatorSettings(server, account, limits, answers, statuses, webhooks, seed, max);
    }

    /** Where it listens and with how many HTTP threads; fixed once started. */
    public record Server(int port, String bindAddress, int httpThreads) {
        public Server {
            Objects.requireNonNull(bindAddress, "bindAddress");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
            if (httpThreads < 4) {
                throw new IllegalArgumentException("httpThreads must be at least 4");
            }
        }

        Server withPort(int p) {
            return new Server(p, bindAddress, httpThreads);
        }

        Server withBindAddress(String address) {
            return new Server(port, address, httpThreads);
        }

        Server withHttpThreads(int threads) {
            return new Server(port, bindAddress, threads);
        }
    }

    /** The business account: the token send requests carry, the ids webhooks name, its numbers and templates. */
    public record Account(String accessToken, String wabaId, String displayPhoneNumber, Set<String> phoneNumberIds,
                          ApprovedTemplates templates) {
        public Account {
            Objects.requireNonNull(accessToken, "accessToken");
            Objects.requireNonNull(wabaId, "wabaId");
            Objects.requireNonNull(displayPhoneNumber, "displayPhoneNumber");
            Objects.requireNonNull(templates, "templates");
            phoneNumberIds = Set.copyOf(phoneNumberIds);
            if (accessToken.isBlank()) {
                throw new IllegalArgumentException("accessToken must not be blank");
            }
            for (String id : phoneNumberIds) {
                if (!id.matches("[0-9]+")) {
                    throw new IllegalArgumentException("A phone-number-id is numeric: " + id);
                }
            }
        }

        Account withAccessToken(String token) {
            return new Account(token, wabaId, displayPhoneNumber, phoneNumberIds, templates);
        }

        Account withWabaId(String id) {
            return new Account(accessToken, id, displayPhoneNumber, phoneNumberIds, templates);
        }

        Account withDisplayPhoneNumber(String number) {
            return new Account(accessToken, wabaId, number, phoneNumberIds, templates);
        }

        Account withPhoneNumberIds(Set<String> ids) {
            return new Account(accessToken, wabaId, displayPhoneNumber, ids, templates);
        }

        Account withTemplates(ApprovedTemplates t) {
            return new Account(accessToken, wabaId, displayPhoneNumber, phoneNumberIds, t);
        }
    }

    /**
     * The two send limits of {@link RateLimits}: throughput per phone-number-id (each may have its own) and
     * the pair rate per recipient, both widened by {@code grace}; {@code nanoTime} is the time they refill by.
     */
    public record Limits(int throughputPerSecond, Map<String, Integer> throughputPerNumber, int pairBurst,
                         Duration pairPeriod, Duration grace, LongSupplier nanoTime) {
        public Limits {
            throughputPerNumber = Map.copyOf(throughputPerNumber);
            Objects.requireNonNull(nanoTime, "nanoTime");
            if (throughputPerSecond < 1) {
                throw new IllegalArgumentException("throughputPerSecond must be at least 1");
            }
            throughputPerNumber.forEach((id, rate) -> {
                if (rate < 1) {
                    throw new IllegalArgumentException("throughput of " + id + " must be at least 1");
                }
            });
            if (pairBurst < 1) {
                throw new IllegalArgumentException("pairBurst must be at least 1");
            }
            if (pairPeriod.isNegative() || pairPeriod.isZero()) {
                throw new IllegalArgumentException("pairPeriod must be positive");
            }
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative");
            }
        }

        Limits withThroughputPerSecond(int rate) {
            return new Limits(rate, throughputPerNumber, pairBurst, pairPeriod, grace, nanoTime);
        }

        Limits withThroughputOf(String phoneNumberId, int rate) {
            Map<String, Integer> perNumber = new HashMap<>(throughputPerNumber);
            perNumber.put(phoneNumberId, rate);
            return new Limits(throughputPerSecond, perNumber, pairBurst, pairPeriod, grace, nanoTime);
        }

        Limits withPairRate(int burst, Duration period) {
            return new Limits(throughputPerSecond, throughputPerNumber, burst, period, grace, nanoTime);
        }

        Limits withGrace(Duration g) {
            return new Limits(throughputPerSecond, throughputPerNumber, pairBurst, pairPeriod, g, nanoTime);
        }

        Limits withNanoTime(LongSupplier time) {
            return new Limits(throughputPerSecond, throughputPerNumber, pairBurst, pairPeriod, grace, time);
        }

        /** The ceiling of one phone-number-id: its own, if set, else the common one. */
        int throughputOf(String phoneNumberId) {
            return throughputPerNumber.getOrDefault(phoneNumberId, throughputPerSecond);
        }

        long throughputCapacity(int rate) {
            long perSecond = rate * RateLimits.UNIT;
            return perSecond + perSecond * grace.toNanos() / 1_000_000_000L;
        }

        long pairCapacity() {
            return pairBurst * RateLimits.UNIT + RateLimits.UNIT * grace.toNanos() / pairPeriod.toNanos();
        }
    }

    /** How the send endpoint answers: its latency (fixed plus random jitter) and the HTTP status of refusals. */
    public record Answers(Duration latency, Duration latencyJitter, int throughputErrorHttpStatus,
                          int pairRateErrorHttpStatus) {
        public Answers {
            requireNotNegative(latency, "latency");
            requireNotNegative(latencyJitter, "latencyJitter");
            requireErrorStatus(throughputErrorHttpStatus, "throughputErrorHttpStatus");
            requireErrorStatus(pairRateErrorHttpStatus, "pairRateErrorHttpStatus");
        }

        Answers withLatency(Duration fixed, Duration jitter) {
            return new Answers(fixed, jitter, throughputErrorHttpStatus, pairRateErrorHttpStatus);
        }

        Answers withThroughputErrorHttpStatus(int status) {
            return new Answers(latency, latencyJitter, status, pairRateErrorHttpStatus);
        }

        Answers withPairRateErrorHttpStatus(int status) {
            return new Answers(latency, latencyJitter, throughputErrorHttpStatus, status);
        }
    }

    /** The status webhooks {@link StatusWebhooks} plans for an accepted message: their pace and odds. */
    public record Statuses(Duration delay, double deliveredProbability, double readProbability,
                           double duplicateProbability, double reorderProbability) {
        public Statuses {
            requireNotNegative(delay, "statusDelay");
            requireProbability(deliveredProbability, "deliveredProbability");
            requireProbability(readProbability, "readProbability");
            requireProbability(duplicateProbability, "duplicateProbability");
            requireProbability(reorderProbability, "reorderProbability");
        }

        Statuses withDelay(Duration d) {
            return new Statuses(d, deliveredProbability, readProbability, duplicateProbability, reorderProbability);
        }

        Statuses withDeliveredProbability(double p) {
            return new Statuses(delay, p, readProbability, duplicateProbability, reorderProbability);
        }

        Statuses withReadProbability(double p) {
            return new Statuses(delay, deliveredProbability, p, duplicateProbability, reorderProbability);
        }

        Statuses withDuplicateProbability(double p) {
            return new Statuses(delay, deliveredProbability, readProbability, p, reorderProbability);
        }

        Statuses withReorderProbability(double p) {
            return new Statuses(delay, deliveredProbability, readProbability, duplicateProbability, p);
        }
    }

    /** Where {@link WebhookDispatcher} posts (null: nowhere), the secret it signs with, its retries and bounds. */
    public record Webhooks(URI url, String appSecret, int maxAttempts, Duration retryBackoff, Duration timeout,
                           int maxConcurrentPosts) {
        public Webhooks {
            Objects.requireNonNull(appSecret, "appSecret");
            if (url != null && !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new IllegalArgumentException("webhookUrl must be an http(s) URL: " + url);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("webhookMaxAttempts must be at least 1");
            }
            requireNotNegative(retryBackoff, "webhookRetryBackoff");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("webhookTimeout must be positive");
            }
            if (maxConcurrentPosts < 1) {
                throw new IllegalArgumentException("webhookMaxConcurrentPosts must be at least 1");
            }
        }

        Webhooks withUrl(URI u) {
            return new Webhooks(u, appSecret, maxAttempts, retryBackoff, timeout, maxConcurrentPosts);
        }

        Webhooks withAppSecret(String secret) {
            return new Webhooks(url, secret, maxAttempts, retryBackoff, timeout, maxConcurrentPosts);
        }

        Webhooks withRetries(int attempts, Duration backoff) {
            return new Webhooks(url, appSecret, attempts, backoff, timeout, maxConcurrentPosts);
        }

        Webhooks withTimeout(Duration t) {
            return new Webhooks(url, appSecret, maxAttempts, retryBackoff, t, maxConcurrentPosts);
        }

        Webhooks withMaxConcurrentPosts(int max) {
            return new Webhooks(url, appSecret, maxAttempts, retryBackoff, timeout, max);
        }
    }

    private static void requireErrorStatus(int status, String name) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException(name + " must be a 4xx or 5xx status");
        }
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }

    private static void requireProbability(double p, String name) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(name + " must be within 0..1");
        }
    }
}
