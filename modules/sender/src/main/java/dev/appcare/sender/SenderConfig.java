package dev.appcare.sender;

import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.Clients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sender's settings, read from {@link AppConfig} (file, then {@code APPCARE_*} environment, then
 * command-line options). Every key is listed in {@code docs/sender.md}.
 *
 * <p>Hyphenated keys such as {@code whatsapp.app-secret} can also be set from the environment
 * ({@code APPCARE_WHATSAPP_APP_SECRET}): {@link AppConfig} finds them under their all-dots form.
 */
public record SenderConfig(
        Clients clients,
        String groupId,
        TopicNames topics,
        URI whatsappBaseUrl,
        String apiVersion,
        String phoneNumberId,
        String token,
        Path tokenFile,
        String appSecret,
        String verifyToken,
        Duration connectTimeout,
        Duration requestTimeout,
        boolean namedParameters,
        int ratePerSecond,
        Duration rateBurstWindow,
        boolean rateShareByPartitions,
        Duration pairInterval,
        int maxInFlight,
        int maxBuffered,
        Backoff retryBackoff,
        Duration inDoubtResendAfter,
        InDoubtPolicy inDoubtPolicy,
        Duration sessionTimeout,
        Duration ownershipLease,
        boolean dropUnknownTravellers,
        String keylessOverride,
        Duration suspendFirstProbe,
        Duration suspendMaxProbe,
        Duration ledgerRetainAfterExpiry,
        Duration ledgerCatchUpTimeout,
        dev.appcare.sender.state.StateConfig state,
        Duration shutdownTimeout,
        boolean webhookEnabled,
        String webhookHost,
        int webhookPort,
        String webhookPath,
        int webhookMaxBodyBytes,
        Duration webhookStopMaxAge,
        String healthHost,
        int healthPort,
        List<BusinessNumber> numbers,
        Map<String, Long> portfolioTiers,
        double urgentReserve,
        Duration messagingLimitWindow,
        Duration numberPause,
        boolean urgentLookAhead) {

    public static final int MAX_RATE = 1000;

    public static SenderConfig from(AppConfig config) {
        Reader c = new Reader(config);
        int rate = c.integer("sender.rate.per-second", 80);
        if (rate < 1 || rate > MAX_RATE) {
            throw new IllegalArgumentException("sender.rate.per-second must be 1.." + MAX_RATE + " (WhatsApp's "
                    + "highest throughput tier), got " + rate);
        }
        Duration pairInterval = c.duration("sender.pair-interval", Duration.ofSeconds(6));
        List<BusinessNumber> numbers = BusinessNumber.from(config, rate, pairInterval);
        BusinessNumber first = numbers.get(0);
        int totalRate = numbers.stream().mapToInt(BusinessNumber::ratePerSecond).sum();
        boolean webhook = c.bool("sender.webhook.enabled", true);
        String appSecret = c.string("whatsapp.app-secret", null);
        String verifyToken = c.string("whatsapp.verify-token", null);
        if (webhook && (appSecret == null || appSecret.isBlank())) {
            throw new IllegalArgumentException("missing configuration 'whatsapp.app-secret' (env "
                    + AppConfig.envName("whatsapp.app-secret") + "): webhooks cannot be verified without it "
                    + "(or set sender.webhook.enabled=false)");
        }
        if (webhook && (verifyToken == null || verifyToken.isBlank())) {
            throw new IllegalArgumentException("missing configuration 'whatsapp.verify-token' (env "
                    + AppConfig.envName("whatsapp.verify-token") + "): needed for the webhook handshake");
        }
        // Broker and registry must be named (no local default): a sender sends real messages.
        // A crashed instance's partitions move after the session timeout: 6 s (the broker's minimum) rather than 45 s.
        Clients clients = Clients.from(config, null, null)
                .withKafkaDefaults(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "2000"));
        String unknown = c.string("sender.consent.unknown-traveller", "drop").toLowerCase(Locale.ROOT);
        if (!unknown.equals("drop") && !unknown.equals("send")) {
            throw new IllegalArgumentException("sender.consent.unknown-traveller must be drop or send, got " + unknown);
        }
        int maxInFlight = c.integer("sender.max-in-flight", 0);
        long sessionTimeoutMs = Long.parseLong(clients.kafka().get("session.timeout.ms").toString());
        int maxBuffered = c.integer("sender.max-buffered", 0);
        Map<String, Long> tiers = new LinkedHashMap<>();
        for (BusinessNumber n : numbers) {
            String key = "whatsapp.portfolio." + n.portfolio() + ".tier";
            tiers.put(n.portfolio(), MessagingLimit.parseTier(key, c.string(key, "unlimited")));
        }
        return new SenderConfig(
                clients,
                c.string("sender.group-id", "appcare-sender"),
                Topics.withSuffix(c.string("sender.topic-suffix", "")),
                URI.create(c.string("whatsapp.base-url", "https://graph.facebook.com")),
                c.string("whatsapp.api-version", "v23.0"),
                first.phoneNumberId(),
                first.token(),
                first.tokenFile(),
                appSecret,
                verifyToken,
                c.duration("whatsapp.connect-timeout", Duration.ofSeconds(5)),
                c.duration("whatsapp.request-timeout", Duration.ofSeconds(15)),
                c.bool("whatsapp.named-parameters", false),
                rate,
                c.duration("sender.rate.burst-window", Duration.ofMillis(50)),
                c.bool("sender.rate.share-by-partitions", true),
                pairInterval,
                maxInFlight > 0 ? maxInFlight : Math.max(32, totalRate),
                maxBuffered > 0 ? maxBuffered : Math.max(1_000, totalRate * 10),
                new Backoff(c.duration("sender.retry.initial-backoff", Duration.ofSeconds(1)),
                        c.duration("sender.retry.max-backoff", Duration.ofMinutes(1))),
                c.duration("sender.in-doubt.resend-after", null),
                InDoubtPolicy.of(c.duration("sender.in-doubt.resend-after", null),
                        c.duration("sender.in-doubt.evidence-wait", Duration.ofMinutes(1)),
                        kinds(c.string("sender.in-doubt.resend-kinds", null)),
                        c.duration("whatsapp.request-timeout", Duration.ofSeconds(15)).plusSeconds(2)),
                Duration.ofMillis(sessionTimeoutMs),
                c.duration("sender.ownership-lease", Duration.ofMillis(sessionTimeoutMs * 2 / 3)),
                unknown.equals("drop"),
                blankToNull(c.string("sender.consent.keyless-override", null)),
                c.duration("sender.suspend.first-probe", Duration.ofSeconds(15)),
                c.duration("sender.suspend.max-probe", Duration.ofMinutes(5)),
                c.duration("sender.ledger.retain-after-expiry", Duration.ofHours(24)),
                c.duration("sender.ledger.catch-up-timeout", Duration.ofMinutes(2)),
                dev.appcare.sender.state.StateConfig.from(config),
                c.duration("sender.shutdown-timeout", Duration.ofSeconds(30)),
                webhook,
                c.string("sender.webhook.host", "127.0.0.1"),
                c.integer("sender.webhook.port", 8088),
                c.string("sender.webhook.path", "/webhooks/whatsapp"),
                c.integer("sender.webhook.max-body-bytes", 1024 * 1024),
                c.duration("sender.webhook.stop.max-age", Duration.ofHours(24)),
                c.string("sender.health.host", "127.0.0.1"),
                c.integer("sender.health.port", 8089),
                numbers,
                Map.copyOf(tiers),
                Double.parseDouble(c.string("sender.messaging-limit.urgent-reserve", "0.05")),
                c.duration("sender.messaging-limit.window", Duration.ofHours(24)),
                c.duration("sender.number-pause", Duration.ofSeconds(30)),
                c.bool("sender.urgent-look-ahead", true));
    }

    private static java.util.Set<dev.appcare.avro.MessageKind> kinds(String list) {
        if (list == null) {
            return InDoubtPolicy.DEFAULT_RESEND_KINDS;
        }
        java.util.Set<dev.appcare.avro.MessageKind> kinds = java.util.EnumSet.noneOf(dev.appcare.avro.MessageKind.class);
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                try {
                    kinds.add(dev.appcare.avro.MessageKind.valueOf(name.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("sender.in-doubt.resend-kinds: unknown kind '" + name.strip()
                            + "' (kinds: " + java.util.Arrays.toString(dev.appcare.avro.MessageKind.values()) + ")");
                }
            }
        }
        return kinds;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Reads typed keys; {@link AppConfig} also finds a hyphenated key under its environment-variable form. */
    private record Reader(AppConfig config) {
        String string(String key, String defaultValue) {
            return config.get(key, defaultValue);
        }

        String required(String key) {
            return config.require(key);
        }

        int integer(String key, int defaultValue) {
            return config.getInt(key, defaultValue);
        }

        boolean bool(String key, boolean defaultValue) {
            return config.getBoolean(key, defaultValue);
        }

        Duration duration(String key, Duration defaultValue) {
            return config.getDuration(key, defaultValue);
        }
    }

    public String bootstrapServers() {
        return clients.bootstrapServers();
    }

    /** Every {@code kafka.*} setting (security, timeouts...), without the prefix. */
    public Map<String, Object> kafkaOverrides() {
        return clients.kafka();
    }

    public Map<String, Object> serdeConfig() {
        return clients.serde();
    }

    @Override
    public String toString() {
        // Never print secrets.
        return "SenderConfig[bootstrap=" + clients.bootstrapServers() + ", group=" + groupId + ", topics=" + topics
                + ", whatsapp=" + whatsappBaseUrl + "/" + apiVersion + ", numbers=" + numbers + ", tiers=" + portfolioTiers
                + ", maxInFlight=" + maxInFlight
                + ", maxBuffered=" + maxBuffered + ", webhook=" + (webhookEnabled ? webhookHost + ":" + webhookPort
                + webhookPath : "off") + ", health=" + healthHost + ":" + healthPort + "]";
    }
}
