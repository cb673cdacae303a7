package dev.appcare.whatsappsim;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every knob of the simulator, immutable. Built with {@link WhatsAppSimulator#builder()}; changed at run
 * time with {@link WhatsAppSimulator#reconfigure(java.util.function.Consumer)} (all but the listening
 * address, port and thread count). See the builder methods for what each one means.
 */
public record SimulatorSettings(
        int port,
        String bindAddress,
        int httpThreads,
        String accessToken,
        String appSecret,
        URI webhookUrl,
        String wabaId,
        String displayPhoneNumber,
        Set<String> phoneNumberIds,
        ApprovedTemplates templates,
        int throughputPerSecond,
        int pairBurst,
        Duration pairPeriod,
        Duration rateLimitGrace,
        int throughputErrorHttpStatus,
        int pairRateErrorHttpStatus,
        Duration latency,
        Duration latencyJitter,
        Duration statusDelay,
        double deliveredProbability,
        double readProbability,
        double duplicateProbability,
        double reorderProbability,
        long seed,
        int webhookMaxAttempts,
        Duration webhookRetryBackoff,
        Duration webhookTimeout,
        int webhookMaxConcurrentPosts,
        int maxRecordedMessages,
        Map<String, Integer> throughputPerNumber) {

    public SimulatorSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(appSecret, "appSecret");
        Objects.requireNonNull(wabaId, "wabaId");
        Objects.requireNonNull(displayPhoneNumber, "displayPhoneNumber");
        Objects.requireNonNull(templates, "templates");
        phoneNumberIds = Set.copyOf(phoneNumberIds);
        throughputPerNumber = Map.copyOf(throughputPerNumber);
        throughputPerNumber.forEach((id, rate) -> {
            if (rate < 1) {
                throw new IllegalArgumentException("throughput of " + id + " must be at least 1");
            }
        });
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (httpThreads < 4) {
            throw new IllegalArgumentException("httpThreads must be at least 4");
        }
        if (accessToken.isBlank()) {
            throw new IllegalArgumentException("accessToken must not be blank");
        }
        if (webhookUrl != null && !("http".equals(webhookUrl.getScheme()) || "https".equals(webhookUrl.getScheme()))) {
            throw new IllegalArgumentException("webhookUrl must be an http(s) URL: " + webhookUrl);
        }
        for (String id : phoneNumberIds) {
            if (!id.matches("[0-9]+")) {
                throw new IllegalArgumentException("A phone-number-id is numeric: " + id);
            }
        }
        // validates throughput, pair burst/period and grace
        new RateLimits.Settings(throughputPerSecond, pairBurst, pairPeriod, rateLimitGrace, throughputPerNumber);
        requireErrorStatus(throughputErrorHttpStatus, "throughputErrorHttpStatus");
        requireErrorStatus(pairRateErrorHttpStatus, "pairRateErrorHttpStatus");
        requireNotNegative(latency, "latency");
        requireNotNegative(latencyJitter, "latencyJitter");
        requireNotNegative(statusDelay, "statusDelay");
        requireNotNegative(webhookRetryBackoff, "webhookRetryBackoff");
        if (webhookTimeout.isZero() || webhookTimeout.isNegative()) {
            throw new IllegalArgumentException("webhookTimeout must be positive");
        }
        requireProbability(deliveredProbability, "deliveredProbability");
        requireProbability(readProbability, "readProbability");
        requireProbability(duplicateProbability, "duplicateProbability");
        requireProbability(reorderProbability, "reorderProbability");
        if (webhookMaxAttempts < 1) {
            throw new IllegalArgumentException("webhookMaxAttempts must be at least 1");
        }
        if (webhookMaxConcurrentPosts < 1) {
            throw new IllegalArgumentException("webhookMaxConcurrentPosts must be at least 1");
        }
        if (maxRecordedMessages < 1) {
            throw new IllegalArgumentException("maxRecordedMessages must be at least 1");
        }
    }

    RateLimits.Settings rateLimitSettings() {
        return new RateLimits.Settings(throughputPerSecond, pairBurst, pairPeriod, rateLimitGrace, throughputPerNumber);
    }

    WebhookDispatcher.Settings webhookSettings() {
        return new WebhookDispatcher.Settings(webhookMaxAttempts, webhookRetryBackoff, webhookTimeout,
                webhookMaxConcurrentPosts);
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
