package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A local WhatsApp Cloud API: {@code POST /{version}/{phone-number-id}/messages} with Meta's validation,
 * error bodies, throughput and pair-rate limits, latency, injectable failures, and signed status webhooks
 * back to a callback URL. It stands in for Meta in tests and demos.
 *
 * <pre>{@code
 * try (WhatsAppSimulator sim = WhatsAppSimulator.builder()
 *         .accessToken("test-token").appSecret("app-secret")
 *         .webhookUrl(URI.create("http://127.0.0.1:" + senderPort + "/webhooks/whatsapp"))
 *         .throughputPerSecond(80)
 *         .start()) {
 *     String base = sim.baseUrl();                // http://127.0.0.1:<port>
 *     sim.faults().nextRequests(2, Fault.serverError());
 *     // ... run the sender against base + "/v21.0/" + phoneNumberId + "/messages"
 *     assertThat(sim.acceptedFor("31612345678")).extracting(SentMessage::templateName).contains("gate_change");
 * }
 * }</pre>
 *
 * Listens on 127.0.0.1 only (unless told otherwise) and on an ephemeral port by default. Thread-safe.
 * {@link #close()} stops the server, the scheduler and the webhook client; no threads stay behind.
 * This class is the lifecycle and the public face (its threads in {@link SimulatorServer}); each concern lives
 * in its own class: the send endpoint
 * ({@link SendEndpoint}, answers in {@link GraphReplies}), limits ({@link RateLimits}), faults
 * ({@link FaultInjector}), what was sent ({@link SentMessages}), webhooks ({@link StatusWebhooks},
 * {@link InboundMessages}, {@link WebhookDispatcher}, {@link WebhookVerification}), admin ({@link AdminApi} and its parts).
 */
public final class WhatsAppSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WhatsAppSimulator.class);

    /** Graph API version used in {@link #messagesUrl(String)}. Any {@code vN.M} is accepted. */
    public static final String DEFAULT_API_VERSION = "v21.0";
    /** The phone-number-id used for inbound messages when nothing else tells which one (Meta's example id). */
    public static final String DEFAULT_PHONE_NUMBER_ID = "106540352242922";

    private static final int WEBHOOK_LOG_CAPACITY = 10_000;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Object configLock = new Object();
    private volatile SimulatorSettings settings;
    private volatile WebhookPayloads payloads;
    /** Time of inbound messages, of accepted messages and of the 24-hour window; tests move it. */
    private volatile Clock clock = Clock.systemUTC();
    private final RateLimits rateLimits;
    private final FaultInjector faults;
    private final SentMessages sent = new SentMessages();
    private final Wamids wamids = new Wamids();
    private final InboundMessages inbound;
    private final StatusWebhooks statuses;

    // Running parts (between start and close).
    private SimulatorServer server;
    private WebhookDispatcher webhooks;
    private GraphReplies replies;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile int boundPort = -1;

    WhatsAppSimulator(SimulatorSettings settings) {
        this.settings = settings;
        this.rateLimits = new RateLimits(settings.limits());
        this.faults = new FaultInjector(settings.seed());
        this.payloads = payloadsOf(settings.account());
        this.inbound = new InboundMessages(() -> this.settings, () -> payloads, () -> clock, sent, wamids,
                posts -> webhooks.submit(posts));
        this.statuses = new StatusWebhooks(() -> payloads, posts -> webhooks.submit(posts));
    }

    public static SimulatorBuilder builder() {
        return new SimulatorBuilder();
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /** Starts the HTTP server and the scheduler. Returns this. */
    public synchronized WhatsAppSimulator start() {
        if (closed) {
            throw new IllegalStateException("The simulator was closed; build a new one");
        }
        if (started) {
            return this;
        }
        SimulatorSettings s = settings;
        server = new SimulatorServer();
        webhooks = new WebhookDispatcher(server.scheduler(), s.webhooks(), WEBHOOK_LOG_CAPACITY);
        replies = new GraphReplies(mapper, server.scheduler());
        boundPort = server.start(s.server(), app -> {
            new AdminApi(this, mapper).register(app);
            new SendEndpoint(() -> settings, () -> clock, rateLimits, faults, new SendRequestValidator(mapper), sent,
                    wamids, inbound, statuses, replies).register(app);
        });
        server.scheduler().scheduleWithFixedDelay(this::evictIdlePairs, 30, 30, TimeUnit.SECONDS);
        started = true;
        log.info("WhatsApp Cloud API simulator listening on {} (throughput {}/s, pair rate {} per {}, latency {} ms "
                        + "+ up to {} ms, webhooks to {})", baseUrl(), s.limits().throughputPerSecond(),
                s.limits().pairBurst(), s.limits().pairPeriod(), s.answers().latency().toMillis(),
                s.answers().latencyJitter().toMillis(), s.webhooks().url() == null ? "(none)" : s.webhooks().url());
        return this;
    }

    /** Stops the server, answers requests still held back with 503, drops queued webhooks, stops all threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            return;
        }
        replies.answerPendingWithShutdown();
        server.stopHttp();
        webhooks.close();
        server.stopScheduler();
        log.info("WhatsApp Cloud API simulator on port {} stopped", boundPort);
    }

    public boolean isRunning() {
        return started && !closed;
    }

    /** The port it listens on (the real one when configured with port 0). */
    public int port() {
        requireStarted();
        return boundPort;
    }

    /** {@code http://127.0.0.1:<port>}: the Graph API base URL to give the sender. */
    public String baseUrl() {
        requireStarted();
        String host = settings.server().bindAddress();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + boundPort;
    }

    /** {@code <baseUrl>/v21.0/<phoneNumberId>/messages}. */
    public String messagesUrl(String phoneNumberId) {
        return baseUrl() + "/" + DEFAULT_API_VERSION + "/" + phoneNumberId + "/messages";
    }

    // ------------------------------------------------------------------------------------------ settings

    public SimulatorSettings settings() {
        return settings;
    }

    /**
     * Changes settings at run time, e.g. {@code sim.reconfigure(b -> b.throughputPerSecond(200).latency(ms(150)))}.
     * The builder starts from the current settings. Port, bind address and HTTP threads cannot change.
     * New rate limits start with full buckets.
     */
    public WhatsAppSimulator reconfigure(Consumer<SimulatorBuilder> change) {
        synchronized (configLock) {
            SimulatorSettings old = settings;
            SimulatorBuilder b = new SimulatorBuilder(old);
            change.accept(b);
            SimulatorSettings n = b.settings();
            if (!n.server().equals(old.server())) {
                throw new IllegalArgumentException("port, bindAddress and httpThreads cannot change at run time");
            }
            settings = n;
            if (!n.limits().equals(old.limits())) {
                rateLimits.reconfigure(n.limits());
            }
            if (!n.account().wabaId().equals(old.account().wabaId())
                    || !n.account().displayPhoneNumber().equals(old.account().displayPhoneNumber())) {
                payloads = payloadsOf(n.account());
            }
            if (n.seed() != old.seed()) {
                faults.reseed(n.seed());
            }
            if (webhooks != null) {
                webhooks.settings(n.webhooks());
            }
            return this;
        }
    }

    /** Shorthand for {@code reconfigure(b -> b.webhookUrl(url))}; null stops webhooks. */
    public WhatsAppSimulator webhookUrl(URI url) {
        return reconfigure(b -> b.webhookUrl(url));
    }

    /**
     * The clock of inbound timestamps, accepted messages and the 24-hour customer-service window (free-form
     * text more than 24 h after the user's last message fails with 131047). Default: the system clock.
     */
    public WhatsAppSimulator clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    // ------------------------------------------------------------------------------------------ queries

    /** Failure injection. */
    public FaultInjector faults() {
        return faults;
    }

    /** Every accepted message still recorded, oldest first (bounded by maxRecordedMessages). */
    public List<SentMessage> accepted() {
        return sent.accepted();
    }

    /** Accepted messages to this recipient (any format; compared by digits), oldest first. */
    public List<SentMessage> acceptedFor(String recipient) {
        return sent.acceptedFor(PhoneNumbers.digitsOnly(recipient));
    }

    public Optional<SentMessage> acceptedMessage(String wamid) {
        return sent.byWamid(wamid);
    }

    /** Accepted requests since start or reset (not bounded like {@link #accepted()}). */
    public long acceptedCount() {
        return sent.acceptedCount();
    }

    /** Refused send requests per Graph error code. */
    public Map<Integer, Long> rejectionCounts() {
        return sent.rejectionCounts();
    }

    public long rejectionCount(int code) {
        return sent.rejectionCount(code);
    }

    /** The latest refused requests (up to 10,000), oldest first. */
    public List<SendRejection> rejections() {
        return sent.rejections();
    }

    /** The latest webhook POSTs (up to 10,000), in the order they finished. */
    public List<WebhookDelivery> webhookDeliveries() {
        requireStarted();
        return webhooks.deliveries();
    }

    public SimulatorStats stats() {
        WebhookDispatcher.Counters c = webhooks != null ? webhooks.counters()
                : new WebhookDispatcher.Counters(0, 0, 0, 0, 0, 0, 0);
        return new SimulatorStats(sent.acceptedCount(), sent.rejectedCount(), sent.rejectionCounts(),
                faults.injectedCount(), inbound.count(),
                new SimulatorStats.WebhookStats(c.posted(), c.delivered(), c.failedAttempts(), c.gaveUp(),
                        c.duplicates(), c.skippedWithoutUrl(), c.inFlightChains()));
    }

    /**
     * How many send requests are held back right now: waiting out their latency or an injected hang
     * ({@link Fault#hang}). Also in {@code GET /_sim/health} as {@code heldRequests}.
     */
    public int heldRequests() {
        return started ? replies.held() : 0;
    }

    /** Waits until every webhook queued so far was posted (or given up); true if that happened in time. */
    public boolean awaitWebhooks(Duration timeout) {
        requireStarted();
        try {
            return webhooks.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Forgets everything recorded, resets the counters, removes all faults, refills the rate limits and
     * drops queued webhooks. Settings stay as they are. The seeded random starts over.
     */
    public void reset() {
        sent.reset();
        inbound.reset();
        statuses.reset();
        faults.reset(settings.seed());
        rateLimits.reset();
        if (webhooks != null) {
            webhooks.reset();
        }
    }

    // ------------------------------------------------------------------------------------------ webhooks

    /** Result of {@link #verifyWebhookSubscription(String)}. */
    public record VerificationResult(boolean verified, int httpStatus, String challenge, String answer) {
    }

    /**
     * Does what Meta does when a webhook callback URL is configured: {@code GET <webhookUrl>?hub.mode=subscribe
     * &hub.verify_token=<token>&hub.challenge=<random>}; verified if the receiver answers 200 with exactly
     * the challenge as body.
     */
    public VerificationResult verifyWebhookSubscription(String verifyToken) {
        SimulatorSettings.Webhooks w = settings.webhooks();
        if (w.url() == null) {
            throw new IllegalStateException("No webhook URL configured");
        }
        return WebhookVerification.verify(w.url(), verifyToken, w.timeout());
    }

    /** A user sends a text to the business number: posts the inbound {@code messages} webhook. Returns its wamid. */
    public String simulateInboundText(String fromPhone, String text) {
        return simulateInboundText(fromPhone, text, "WhatsApp User", null);
    }

    /**
     * A user sends a text. {@code phoneNumberId} null means: the business number that last wrote to this
     * user, else the first configured phone-number-id, else {@value #DEFAULT_PHONE_NUMBER_ID}.
     * Opens the 24-hour customer-service window for that user (free-form text messages are then delivered).
     */
    public String simulateInboundText(String fromPhone, String text, String profileName, String phoneNumberId) {
        requireStarted();
        return inbound.text(fromPhone, text, profileName, phoneNumberId);
    }

    /** A user taps a quick-reply button of a template (e.g. "Unsubscribe"); context is the template's wamid. */
    public String simulateButtonReply(String fromPhone, String buttonText, String payload, String contextWamid) {
        requireStarted();
        return inbound.buttonReply(fromPhone, buttonText, payload, contextWamid);
    }

    /** What a user can attach; each is posted with WhatsApp's own type name and media object. */
    public enum InboundMedia {
        IMAGE("image"), VIDEO("video"), DOCUMENT("document"), AUDIO("audio");

        final String type;

        InboundMedia(String type) {
            this.type = type;
        }
    }

    /** What {@link #simulateInboundMedia} posted: the message's wamid and the media id an agent would fetch. */
    public record InboundMediaMessage(String wamid, String mediaId) {
    }

    /**
     * A user sends a photo, video, voice note or document (with an optional caption; a file name for
     * documents): posts the inbound webhook with the media object WhatsApp sends ({@code id},
     * {@code mime_type}, {@code sha256}, {@code caption}, {@code filename}), never the bytes. Opens the
     * 24-hour window like any inbound message.
     */
    public InboundMediaMessage simulateInboundMedia(String fromPhone, InboundMedia media, String mimeType,
                                                    String caption, String filename) {
        requireStarted();
        return inbound.media(fromPhone, media, mimeType, caption, filename);
    }

    // ------------------------------------------------------------------------------------------ internals

    private WebhookPayloads payloadsOf(SimulatorSettings.Account a) {
        return new WebhookPayloads(mapper, a.wabaId(), a.displayPhoneNumber());
    }

    private void evictIdlePairs() {
        try {
            rateLimits.evictIdlePairs();
        } catch (RuntimeException e) {
            log.warn("Evicting idle pair-rate buckets failed", e);
        }
    }

    int trackedPairBuckets() {
        return rateLimits.trackedPairs();
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("The simulator is not started");
        }
    }

    static ThreadFactory threadFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
