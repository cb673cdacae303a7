package dev.appcare.whatsappsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.router.EndpointNotFound;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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
 */
public final class WhatsAppSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WhatsAppSimulator.class);

    /** Graph API version used in {@link #messagesUrl(String)}. Any {@code vN.M} is accepted. */
    public static final String DEFAULT_API_VERSION = "v21.0";
    /** The phone-number-id used for inbound messages when nothing else tells which one (Meta's example id). */
    public static final String DEFAULT_PHONE_NUMBER_ID = "106540352242922";

    private static final Pattern VERSION = Pattern.compile("v[0-9]+\\.[0-9]+");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+");
    private static final Duration CUSTOMER_SERVICE_WINDOW = Duration.ofHours(24);
    private static final int REJECTION_LOG_CAPACITY = 10_000;
    private static final int WEBHOOK_LOG_CAPACITY = 10_000;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Object configLock = new Object();
    private volatile SimulatorSettings settings;
    private volatile WebhookPayloads payloads;
    private final RateLimits rateLimits;
    private final FaultInjector faults;
    private final SendRequestValidator validator;
    private final String wamidPrefix;
    private final AtomicLong wamidCounter = new AtomicLong();
    private final AtomicLong planSequence = new AtomicLong();

    // What was accepted / refused.
    private final ConcurrentLinkedDeque<SentMessage> accepted = new ConcurrentLinkedDeque<>();
    private final AtomicInteger acceptedSize = new AtomicInteger();
    private final Map<String, ConcurrentLinkedDeque<SentMessage>> acceptedByRecipient = new ConcurrentHashMap<>();
    private final Map<String, SentMessage> acceptedByWamid = new ConcurrentHashMap<>();
    private final LongAdder acceptedTotal = new LongAdder();
    private final Map<Integer, LongAdder> rejectionsByCode = new ConcurrentHashMap<>();
    private final LongAdder rejectedTotal = new LongAdder();
    private final ConcurrentLinkedDeque<Rejection> rejections = new ConcurrentLinkedDeque<>();
    private final AtomicInteger rejectionsSize = new AtomicInteger();
    private final Map<String, Instant> lastInbound = new ConcurrentHashMap<>();
    private final LongAdder inboundTotal = new LongAdder();
    private final AtomicLong mediaCounter = new AtomicLong();
    /** Time of inbound messages, of accepted messages and of the 24-hour window; tests move it. */
    private volatile Clock clock = Clock.systemUTC();

    // Running parts (between start and close).
    private final Set<PendingReply> pendingReplies = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService scheduler;
    private WebhookDispatcher webhooks;
    private Javalin app;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile int boundPort = -1;

    private WhatsAppSimulator(SimulatorSettings settings) {
        this.settings = settings;
        this.rateLimits = new RateLimits(settings.rateLimitSettings());
        this.faults = new FaultInjector(settings.seed());
        this.validator = new SendRequestValidator(mapper);
        this.payloads = new WebhookPayloads(mapper, settings.wabaId(), settings.displayPhoneNumber());
        byte[] prefix = new byte[4];
        new SecureRandom().nextBytes(prefix);
        this.wamidPrefix = java.util.HexFormat.of().withUpperCase().formatHex(prefix);
    }

    public static Builder builder() {
        return new Builder();
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
        scheduler = Executors.newScheduledThreadPool(2, threadFactory("whatsapp-sim-scheduler-"));
        webhooks = new WebhookDispatcher(scheduler, () -> settings.webhookUrl(), () -> settings.appSecret(),
                s.webhookSettings(), WEBHOOK_LOG_CAPACITY);
        QueuedThreadPool pool = new QueuedThreadPool(s.httpThreads(), Math.min(4, s.httpThreads()), 30_000);
        pool.setName("whatsapp-sim-http");
        pool.setDaemon(true);
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.threadPool = pool;
            config.jetty.defaultHost = s.bindAddress();
            config.http.asyncTimeout = 0; // hangs are timed by the simulator, not by Jetty
            config.http.maxRequestSize = 1_000_000;
            config.router.ignoreTrailingSlashes = true;
        });
        routes(app);
        try {
            app.start(s.bindAddress(), s.port());
        } catch (RuntimeException e) {
            shutdownExecutors();
            throw e;
        }
        boundPort = app.port();
        scheduler.scheduleWithFixedDelay(this::evictIdlePairs, 30, 30, TimeUnit.SECONDS);
        started = true;
        log.info("WhatsApp Cloud API simulator listening on {} (throughput {}/s, pair rate {} per {}, latency {} ms "
                        + "+ up to {} ms, webhooks to {})", baseUrl(), s.throughputPerSecond(), s.pairBurst(),
                s.pairPeriod(), s.latency().toMillis(), s.latencyJitter().toMillis(),
                s.webhookUrl() == null ? "(none)" : s.webhookUrl());
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
        for (PendingReply p : List.copyOf(pendingReplies)) {
            p.complete(errorReply(GraphApiError.of(GraphErrors.API_SERVICE, 503, "The simulator is shutting down.")));
        }
        try {
            app.stop();
        } catch (RuntimeException e) {
            log.warn("Stopping the HTTP server failed", e);
        }
        webhooks.close();
        shutdownExecutors();
        log.info("WhatsApp Cloud API simulator on port {} stopped", boundPort);
    }

    private void shutdownExecutors() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
        String host = settings.bindAddress();
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
    public WhatsAppSimulator reconfigure(Consumer<Builder> change) {
        synchronized (configLock) {
            SimulatorSettings old = settings;
            Builder b = Builder.from(old);
            change.accept(b);
            SimulatorSettings n = b.settings();
            if (n.port() != old.port() || !n.bindAddress().equals(old.bindAddress())
                    || n.httpThreads() != old.httpThreads()) {
                throw new IllegalArgumentException("port, bindAddress and httpThreads cannot change at run time");
            }
            settings = n;
            if (!n.rateLimitSettings().equals(old.rateLimitSettings())) {
                rateLimits.reconfigure(n.rateLimitSettings());
            }
            if (!n.wabaId().equals(old.wabaId()) || !n.displayPhoneNumber().equals(old.displayPhoneNumber())) {
                payloads = new WebhookPayloads(mapper, n.wabaId(), n.displayPhoneNumber());
            }
            if (n.seed() != old.seed()) {
                faults.reseed(n.seed());
            }
            if (webhooks != null) {
                webhooks.settings(n.webhookSettings());
            }
            return this;
        }
    }

    /** Shorthand for {@code reconfigure(b -> b.webhookUrl(url))}; null stops webhooks. */
    public WhatsAppSimulator webhookUrl(URI url) {
        return reconfigure(b -> b.webhookUrl(url));
    }

    // ------------------------------------------------------------------------------------------ queries

    /** Failure injection. */
    public FaultInjector faults() {
        return faults;
    }

    /** Every accepted message still recorded, oldest first (bounded by maxRecordedMessages). */
    public List<SentMessage> accepted() {
        return List.copyOf(accepted);
    }

    /** Accepted messages to this recipient (any format; compared by digits), oldest first. */
    public List<SentMessage> acceptedFor(String recipient) {
        Collection<SentMessage> list = acceptedByRecipient.get(SendRequestValidator.digitsOnly(recipient));
        return list == null ? List.of() : List.copyOf(list);
    }

    public Optional<SentMessage> acceptedMessage(String wamid) {
        return Optional.ofNullable(acceptedByWamid.get(wamid));
    }

    /** Accepted requests since start or reset (not bounded like {@link #accepted()}). */
    public long acceptedCount() {
        return acceptedTotal.sum();
    }

    /** Refused send requests per Graph error code. */
    public Map<Integer, Long> rejectionCounts() {
        Map<Integer, Long> m = new TreeMap<>();
        rejectionsByCode.forEach((code, n) -> m.put(code, n.sum()));
        return Collections.unmodifiableMap(m);
    }

    public long rejectionCount(int code) {
        LongAdder n = rejectionsByCode.get(code);
        return n == null ? 0 : n.sum();
    }

    /** The latest refused requests (up to 10,000), oldest first. */
    public List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    /** The latest webhook POSTs (up to 10,000), in the order they finished. */
    public List<WebhookDelivery> webhookDeliveries() {
        requireStarted();
        return webhooks.deliveries();
    }

    public SimulatorStats stats() {
        WebhookDispatcher.Counters c = webhooks != null ? webhooks.counters()
                : new WebhookDispatcher.Counters(0, 0, 0, 0, 0, 0, 0);
        return new SimulatorStats(acceptedTotal.sum(), rejectedTotal.sum(), rejectionCounts(),
                faults.injectedCount(), inboundTotal.sum(),
                new SimulatorStats.WebhookStats(c.posted(), c.delivered(), c.failedAttempts(), c.gaveUp(),
                        c.duplicates(), c.skippedWithoutUrl(), c.inFlightChains()));
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
        accepted.clear();
        acceptedSize.set(0);
        acceptedByRecipient.clear();
        acceptedByWamid.clear();
        acceptedTotal.reset();
        rejectionsByCode.clear();
        rejectedTotal.reset();
        rejections.clear();
        rejectionsSize.set(0);
        lastInbound.clear();
        inboundTotal.reset();
        planSequence.set(0);
        faults.reset(settings.seed());
        rateLimits.reset();
        if (webhooks != null) {
            webhooks.reset();
        }
    }

    // ------------------------------------------------------------------------------------------ verification

    /** Result of {@link #verifyWebhookSubscription(String)}. */
    public record VerificationResult(boolean verified, int httpStatus, String challenge, String answer) {
    }

    /**
     * Does what Meta does when a webhook callback URL is configured: {@code GET <webhookUrl>?hub.mode=subscribe
     * &hub.verify_token=<token>&hub.challenge=<random>}; verified if the receiver answers 200 with exactly
     * the challenge as body.
     */
    public VerificationResult verifyWebhookSubscription(String verifyToken) {
        URI url = settings.webhookUrl();
        if (url == null) {
            throw new IllegalStateException("No webhook URL configured");
        }
        String challenge = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));
        String query = "hub.mode=subscribe&hub.verify_token="
                + java.net.URLEncoder.encode(verifyToken, java.nio.charset.StandardCharsets.UTF_8)
                + "&hub.challenge=" + challenge;
        URI target = URI.create(url + (url.getRawQuery() == null ? "?" : "&") + query);
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(target)
                            .timeout(settings.webhookTimeout()).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            boolean ok = r.statusCode() == 200 && challenge.equals(r.body().trim());
            return new VerificationResult(ok, r.statusCode(), challenge, r.body());
        } catch (java.io.IOException e) {
            return new VerificationResult(false, 0, challenge, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new VerificationResult(false, 0, challenge, "interrupted");
        }
    }

    // ------------------------------------------------------------------------------------------ inbound

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
        Objects.requireNonNull(text, "text");
        String from = inboundSender(fromPhone);
        String phoneId = inboundPhoneNumberId(from, phoneNumberId);
        String wamid = newWamid(from);
        Instant now = clock.instant();
        byte[] body = payloads.inboundText(phoneId, from, profileName, wamid, now, text);
        postInbound(from, wamid, "text", body, now);
        return wamid;
    }

    /** A user taps a quick-reply button of a template (e.g. "Unsubscribe"); context is the template's wamid. */
    public String simulateButtonReply(String fromPhone, String buttonText, String payload, String contextWamid) {
        String from = inboundSender(fromPhone);
        String phoneId = inboundPhoneNumberId(from, null);
        String wamid = newWamid(from);
        Instant now = clock.instant();
        byte[] body = payloads.inboundButton(phoneId, from, "WhatsApp User", wamid, now, buttonText,
                payload != null ? payload : buttonText, contextWamid);
        postInbound(from, wamid, "button", body, now);
        return wamid;
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
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(mimeType, "mimeType");
        String from = inboundSender(fromPhone);
        String phoneId = inboundPhoneNumberId(from, null);
        String wamid = newWamid(from);
        String mediaId = Long.toString(1_000_000_000_000L + mediaCounter.incrementAndGet());
        Instant now = clock.instant();
        byte[] body = payloads.inboundMedia(phoneId, from, "WhatsApp User", wamid, now, media.type, mediaId, mimeType,
                caption, filename);
        postInbound(from, wamid, media.type, body, now);
        return new InboundMediaMessage(wamid, mediaId);
    }

    /**
     * The clock of inbound timestamps, accepted messages and the 24-hour customer-service window (free-form
     * text more than 24 h after the user's last message fails with 131047). Default: the system clock.
     */
    public WhatsAppSimulator clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    private String inboundSender(String fromPhone) {
        String from = SendRequestValidator.recipientDigits(fromPhone);
        if (from == null) {
            throw new IllegalArgumentException("Not a phone number: " + fromPhone);
        }
        return from;
    }

    private String inboundPhoneNumberId(String from, String requested) {
        if (requested != null) {
            return requested;
        }
        ConcurrentLinkedDeque<SentMessage> sentToUser = acceptedByRecipient.get(from);
        SentMessage last = sentToUser == null ? null : sentToUser.peekLast();
        if (last != null) {
            return last.phoneNumberId();
        }
        Set<String> ids = settings.phoneNumberIds();
        return ids.isEmpty() ? DEFAULT_PHONE_NUMBER_ID : ids.stream().sorted().findFirst().orElseThrow();
    }

    private void postInbound(String from, String wamid, String type, byte[] body, Instant at) {
        requireStarted();
        lastInbound.put(from, at);
        inboundTotal.increment();
        if (settings.webhookUrl() == null) {
            log.warn("Inbound message from {} not posted: no webhook URL configured", from);
        }
        webhooks.submit(List.of(new WebhookDispatcher.Post("inbound", wamid, type, body, Duration.ZERO, false)));
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private void routes(Javalin app) {
        AdminApi admin = new AdminApi(this, mapper);
        admin.register(app);
        app.post("/{version}/{phoneNumberId}/messages", this::handleSend);
        // Graph API answers unknown paths with 400 / code 2500 (the admin API keeps Javalin's 404).
        app.exception(EndpointNotFound.class, (e, ctx) -> {
            if (ctx.path().startsWith("/_sim")) {
                ctx.status(404).contentType("application/json").result("{\"error\":\"no such endpoint\"}");
            } else {
                writeReply(ctx, errorReply(new GraphApiError(2500, 400, "Unknown path components: " + ctx.path(),
                        null, null)));
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Unexpected error handling {} {}", ctx.method(), ctx.path(), e);
            writeReply(ctx, errorReply(GraphApiError.of(GraphErrors.SOMETHING_WENT_WRONG, 500,
                    "Unexpected simulator error: " + e)));
        });
    }

    /** Mutable facts about one request, for the rejection log. */
    private static final class RequestFacts {
        String phoneNumberId;
        String to;
        String template;
        boolean injected;
    }

    /** An answer: status, headers, JSON body, and how long to hold it back. */
    private record Reply(int status, byte[] body, Map<String, String> headers, long delayNanos) {
        Reply delayed(long nanos) {
            return new Reply(status, body, headers, nanos);
        }
    }

    private void handleSend(Context ctx) {
        SimulatorSettings s = settings;
        long latency = latencyNanos(s);
        RequestFacts facts = new RequestFacts();
        facts.phoneNumberId = ctx.pathParam("phoneNumberId");
        Reply reply;
        try {
            reply = processSend(ctx, s, facts, latency);
        } catch (GraphApiError e) {
            recordRejection(e, facts);
            reply = errorReply(e).delayed(latency);
        }
        respond(ctx, reply);
    }

    private Reply processSend(Context ctx, SimulatorSettings s, RequestFacts facts, long latency) {
        String version = ctx.pathParam("version");
        String phoneId = facts.phoneNumberId;
        if (!VERSION.matcher(version).matches()) {
            throw new GraphApiError(2500, 400, "Unknown path components: /" + version, null, null);
        }
        if (!authorized(ctx, s)) {
            throw GraphApiError.invalidToken();
        }
        if (!NUMERIC.matcher(phoneId).matches()
                || (!s.phoneNumberIds().isEmpty() && !s.phoneNumberIds().contains(phoneId))) {
            throw GraphApiError.invalidParameter("Unsupported post request. Object with ID '" + phoneId
                    + "' does not exist, cannot be loaded due to missing permissions, or does not support this "
                    + "operation.");
        }
        if (!rateLimits.tryThroughput(phoneId)) {
            throw GraphApiError.of(GraphErrors.THROUGHPUT, s.throughputErrorHttpStatus(), null);
        }
        JsonNode request = validator.parse(ctx.bodyAsBytes());
        facts.to = request.path("to").isTextual() ? request.path("to").asText() : null;
        facts.template = request.path("template").path("name").isTextual()
                ? request.path("template").path("name").asText() : null;

        Fault fault = faults.select(SendRequestValidator.recipientDigits(facts.to), phoneId).orElse(null);
        if (fault != null) {
            facts.injected = true;
            switch (fault.kind()) {
                case ERROR -> throw fault.code() == GraphErrors.ACCESS_TOKEN && fault.httpStatus() == 401
                        ? GraphApiError.expiredToken()
                        : GraphApiError.of(fault.code(), fault.httpStatus(), null);
                case HANG -> {
                    GraphApiError e = GraphApiError.of(GraphErrors.API_SERVICE, 503,
                            "Injected hang of " + fault.hold().toMillis() + " ms.");
                    recordRejection(e, facts);
                    return errorReply(e).delayed(fault.hold().toNanos());
                }
                default -> facts.injected = false; // accepted paths: not a rejection
            }
        }

        SendRequestValidator.ValidSend valid = validator.validate(request, s.templates());
        if (!rateLimits.tryPair(phoneId, valid.waId())) {
            throw GraphApiError.of(GraphErrors.PAIR_RATE, s.pairRateErrorHttpStatus(), null);
        }
        Integer asyncFailure = null;
        if (fault != null && fault.kind() == Fault.Kind.ASYNC_FAILURE) {
            asyncFailure = fault.code();
        } else if ("text".equals(valid.type()) && !insideServiceWindow(valid.waId())) {
            asyncFailure = GraphErrors.RE_ENGAGEMENT; // free-form text outside the 24 h window
        }
        SentMessage message = accept(s, version, phoneId, valid, asyncFailure);
        long responseDelay = fault != null && fault.kind() == Fault.Kind.HANG_THEN_ACCEPT
                ? fault.hold().toNanos() : latency;
        planWebhooks(s, message, latency + s.statusDelay().toNanos());
        return okReply(message, responseDelay);
    }

    private static boolean authorized(Context ctx, SimulatorSettings s) {
        String header = ctx.header("Authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (header == null) {
            token = ctx.queryParam("access_token"); // Graph API also takes the token as a query parameter
        }
        return token != null && java.security.MessageDigest.isEqual(
                token.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                s.accessToken().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private boolean insideServiceWindow(String waId) {
        Instant last = lastInbound.get(waId);
        return last != null && last.plus(CUSTOMER_SERVICE_WINDOW).isAfter(clock.instant());
    }

    private static long latencyNanos(SimulatorSettings s) {
        long base = s.latency().toNanos();
        long jitter = s.latencyJitter().toNanos();
        return jitter > 0 ? base + ThreadLocalRandom.current().nextLong(jitter + 1) : base;
    }

    private SentMessage accept(SimulatorSettings s, String version, String phoneId,
                               SendRequestValidator.ValidSend v, Integer asyncFailure) {
        String text = v.template() != null ? v.template().render(v.language(), v.bodyParameters()) : v.textBody();
        SentMessage m = new SentMessage(newWamid(v.waId()), phoneId, version, v.to(), v.waId(), v.type(),
                v.templateName(), v.language(), v.bodyParameters(), v.documentLink(), v.documentId(),
                v.documentFilename(), text, v.bizOpaqueCallbackData(), clock.instant(), asyncFailure);
        accepted.addLast(m);
        acceptedByWamid.put(m.wamid(), m);
        // compute(): adding and the eviction below never race on one recipient's list
        acceptedByRecipient.compute(m.waId(), (k, list) -> {
            ConcurrentLinkedDeque<SentMessage> l = list != null ? list : new ConcurrentLinkedDeque<>();
            l.addLast(m);
            return l;
        });
        acceptedTotal.increment();
        if (acceptedSize.incrementAndGet() > s.maxRecordedMessages()) {
            SentMessage oldest = accepted.pollFirst();
            if (oldest != null) {
                acceptedSize.decrementAndGet();
                acceptedByWamid.remove(oldest.wamid());
                acceptedByRecipient.computeIfPresent(oldest.waId(), (k, list) -> {
                    list.remove(oldest);
                    return list.isEmpty() ? null : list;
                });
            }
        }
        if (log.isDebugEnabled()) {
            log.debug("Accepted {} {} {} to {} ({})", m.wamid(), m.templateName(), m.language(), m.waId(),
                    m.bizOpaqueCallbackData());
        }
        return m;
    }

    private void recordRejection(GraphApiError e, RequestFacts facts) {
        rejectedTotal.increment();
        rejectionsByCode.computeIfAbsent(e.code(), c -> new LongAdder()).increment();
        rejections.addLast(new Rejection(Instant.now(), facts.phoneNumberId, facts.to, facts.template,
                e.httpStatus(), e.code(), e.details() != null ? e.details() : e.graphMessage(), facts.injected));
        if (rejectionsSize.incrementAndGet() > REJECTION_LOG_CAPACITY && rejections.pollFirst() != null) {
            rejectionsSize.decrementAndGet();
        }
        if (log.isDebugEnabled()) {
            log.debug("Refused send to {} ({}): HTTP {} code {} {}", facts.to, facts.template, e.httpStatus(),
                    e.code(), e.details());
        }
    }

    /**
     * Plans the status webhooks of an accepted message: sent, then delivered and read with their
     * probabilities (or a single failed for async failures); sometimes reordered, sometimes duplicated.
     * Random choices come from (seed, n-th accepted message), so a fixed seed and order give fixed plans.
     */
    private void planWebhooks(SimulatorSettings s, SentMessage m, long firstDelayNanos) {
        if (webhooks == null || s.webhookUrl() == null) {
            return; // nothing to post to: messages accepted while no URL is set never get statuses
        }
        SplittableRandom random = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L + planSequence.incrementAndGet());
        record Step(String status, Instant at) {
        }
        long stepMillis = Math.max(1, s.statusDelay().toMillis());
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
        WebhookPayloads p = payloads;
        for (Step step : steps) {
            byte[] body = p.status(m, step.status(), step.at(),
                    "failed".equals(step.status()) ? m.asyncFailureCode() : null);
            Duration delay = posts.isEmpty() ? Duration.ofNanos(firstDelayNanos) : s.statusDelay();
            posts.add(new WebhookDispatcher.Post("status", m.wamid(), step.status(), body, delay, false));
            if (random.nextDouble() < s.duplicateProbability()) {
                posts.add(new WebhookDispatcher.Post("status", m.wamid(), step.status(), body, s.statusDelay(), true));
            }
        }
        webhooks.submit(posts);
    }

    /**
     * Meta-like wamid: "wamid." + base64 of a small binary record holding the recipient and an 18-hex-digit
     * id (here a random per-simulator prefix plus a counter), so ids are unique across simulator restarts.
     */
    private String newWamid(String waId) {
        String counter = Long.toHexString(wamidCounter.incrementAndGet() & 0xFF_FFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
        String id = wamidPrefix + "0".repeat(10 - counter.length()) + counter;
        byte[] digits = waId.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] idBytes = id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] raw = new byte[3 + digits.length + 6 + idBytes.length + 1];
        int i = 0;
        raw[i++] = 0x1C;
        raw[i++] = 0x18;
        raw[i++] = (byte) digits.length;
        System.arraycopy(digits, 0, raw, i, digits.length);
        i += digits.length;
        raw[i++] = 0x15;
        raw[i++] = 0x02;
        raw[i++] = 0x00;
        raw[i++] = 0x11;
        raw[i++] = 0x18;
        raw[i++] = (byte) idBytes.length;
        System.arraycopy(idBytes, 0, raw, i, idBytes.length);
        return "wamid." + Base64.getEncoder().encodeToString(raw);
    }

    private Reply okReply(SentMessage m, long delayNanos) {
        ObjectNode root = mapper.createObjectNode();
        root.put("messaging_product", "whatsapp");
        ObjectNode contact = root.putArray("contacts").addObject();
        contact.put("input", m.to());
        contact.put("wa_id", m.waId());
        ObjectNode msg = root.putArray("messages").addObject();
        msg.put("id", m.wamid());
        msg.put("message_status", "accepted");
        return new Reply(200, bytes(root), Map.of(), delayNanos);
    }

    private Reply errorReply(GraphApiError e) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", e.graphMessage());
        err.put("type", "OAuthException");
        err.put("code", e.code());
        if (e.details() != null) {
            ObjectNode data = err.putObject("error_data");
            data.put("messaging_product", "whatsapp");
            data.put("details", e.details());
        }
        if (e.subcode() != null) {
            err.put("error_subcode", e.subcode());
        }
        err.put("fbtrace_id", fbtraceId());
        Map<String, String> headers = e.httpStatus() == 401
                ? Map.of("WWW-Authenticate", "OAuth \"Facebook Platform\" \"invalid_token\" \""
                + e.graphMessage().replace("\"", "'") + "\"")
                : Map.of();
        return new Reply(e.httpStatus(), bytes(root), headers, 0);
    }

    private static String fbtraceId() {
        byte[] b = new byte[17];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers now, or later from the scheduler without holding a request thread (Javalin async). */
    private void respond(Context ctx, Reply reply) {
        if (reply.delayNanos() <= 0) {
            writeReply(ctx, reply);
            return;
        }
        PendingReply pending = new PendingReply(ctx);
        pendingReplies.add(pending);
        ctx.future(() -> pending.done);
        try {
            scheduler.schedule(() -> pending.complete(reply), reply.delayNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            pending.complete(errorReply(GraphApiError.of(GraphErrors.API_SERVICE, 503,
                    "The simulator is shutting down.")));
        }
    }

    private static void writeReply(Context ctx, Reply reply) {
        ctx.status(reply.status());
        reply.headers().forEach(ctx::header);
        ctx.contentType("application/json; charset=UTF-8");
        ctx.result(reply.body());
    }

    private final class PendingReply {
        final Context ctx;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicBoolean answered = new AtomicBoolean();

        PendingReply(Context ctx) {
            this.ctx = ctx;
        }

        void complete(Reply reply) {
            if (answered.compareAndSet(false, true)) {
                pendingReplies.remove(this);
                try {
                    writeReply(ctx, reply);
                } finally {
                    done.complete(null);
                }
            }
        }
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

    // ------------------------------------------------------------------------------------------ builder

    /** Settings for a new simulator; every option has a default that suits a fast in-process test. */
    public static final class Builder {
        private int port = 0;
        private String bindAddress = "127.0.0.1";
        private int httpThreads = 32;
        private String accessToken = "sim-access-token";
        private String appSecret = "sim-app-secret";
        private URI webhookUrl;
        private String wabaId = "102290129340398";
        private String displayPhoneNumber = "15550783881";
        private Set<String> phoneNumberIds = Set.of();
        private TemplateCatalog templates;
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

        private Builder() {
        }

        static Builder from(SimulatorSettings s) {
            Builder b = new Builder();
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
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Address to listen on; default 127.0.0.1 (loopback only). */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** Jetty worker threads (default 32); requests never hold one while they wait for latency. */
        public Builder httpThreads(int httpThreads) {
            this.httpThreads = httpThreads;
            return this;
        }

        /** The bearer token send requests must carry (default {@code sim-access-token}); else 401 / 190. */
        public Builder accessToken(String accessToken) {
            this.accessToken = accessToken;
            return this;
        }

        /** The app secret webhooks are signed with (default {@code sim-app-secret}). */
        public Builder appSecret(String appSecret) {
            this.appSecret = appSecret;
            return this;
        }

        /** Where status and inbound webhooks are posted; null (default) posts none. */
        public Builder webhookUrl(URI webhookUrl) {
            this.webhookUrl = webhookUrl;
            return this;
        }

        public Builder webhookUrl(String webhookUrl) {
            return webhookUrl(webhookUrl == null ? null : URI.create(webhookUrl));
        }

        /** The WhatsApp Business Account id in {@code entry[].id} of webhooks. */
        public Builder wabaId(String wabaId) {
            this.wabaId = wabaId;
            return this;
        }

        /** {@code metadata.display_phone_number} of webhooks. */
        public Builder displayPhoneNumber(String displayPhoneNumber) {
            this.displayPhoneNumber = displayPhoneNumber;
            return this;
        }

        /** The business phone-number-ids that exist; empty (default) accepts any numeric id. Others get 100. */
        public Builder phoneNumberIds(String... ids) {
            this.phoneNumberIds = new LinkedHashSet<>(List.of(ids));
            return this;
        }

        public Builder phoneNumberIds(Collection<String> ids) {
            this.phoneNumberIds = new LinkedHashSet<>(ids);
            return this;
        }

        /** Approved templates; default {@link TemplateCatalog#defaults()}. */
        public Builder templates(TemplateCatalog templates) {
            this.templates = templates;
            return this;
        }

        /**
         * Messages per second per phone-number-id (default 80; Meta allows up to 1,000). A token bucket of
         * that many messages refilled continuously at that rate; see {@link #rateLimitGrace(Duration)}.
         */
        public Builder throughputPerSecond(int throughputPerSecond) {
            this.throughputPerSecond = throughputPerSecond;
            return this;
        }

        /** The ceiling of one business number, overriding {@link #throughputPerSecond(int)} for it (130429 above it). */
        public Builder throughputPerSecond(String phoneNumberId, int throughputPerSecond) {
            this.throughputPerNumber.put(phoneNumberId, throughputPerSecond);
            return this;
        }

        /** Pair rate: one message per {@code period} to the same recipient (default 1 per 6 s), burst of {@code burst}. */
        public Builder pairRate(int burst, Duration period) {
            this.pairBurst = burst;
            this.pairPeriod = period;
            return this;
        }

        /** Jitter allowance added to both buckets as extra refill time (default 100 ms; 0 for an exact limit). */
        public Builder rateLimitGrace(Duration grace) {
            this.rateLimitGrace = grace;
            return this;
        }

        /** HTTP status of 130429 answers (default 429; some copies of Meta's table say 400). */
        public Builder throughputErrorHttpStatus(int status) {
            this.throughputErrorHttpStatus = status;
            return this;
        }

        /** HTTP status of 131056 answers (default 400, as in Meta's table). */
        public Builder pairRateErrorHttpStatus(int status) {
            this.pairRateErrorHttpStatus = status;
            return this;
        }

        /** Answer latency: {@code fixed} plus a uniform random 0..{@code jitter} (default 0 + 0). */
        public Builder latency(Duration fixed, Duration jitter) {
            this.latency = fixed;
            this.latencyJitter = jitter;
            return this;
        }

        public Builder latency(Duration fixed) {
            return latency(fixed, Duration.ZERO);
        }

        /** Time from the answer to the first status webhook and between webhooks of a message (default 20 ms). */
        public Builder statusDelay(Duration statusDelay) {
            this.statusDelay = statusDelay;
            return this;
        }

        /** Probability of a {@code delivered} after {@code sent} (default 1.0). */
        public Builder deliveredProbability(double p) {
            this.deliveredProbability = p;
            return this;
        }

        /** Probability of a {@code read} after {@code delivered} (default 0.5). */
        public Builder readProbability(double p) {
            this.readProbability = p;
            return this;
        }

        /** Probability that a status webhook is posted twice (default 0). */
        public Builder duplicateProbability(double p) {
            this.duplicateProbability = p;
            return this;
        }

        /** Probability that a message's statuses are posted in a shuffled order (default 0). */
        public Builder reorderProbability(double p) {
            this.reorderProbability = p;
            return this;
        }

        /** Seed of every random choice except latency jitter (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Webhook POST attempts before giving up (default 5), with exponential backoff from {@code backoff} (200 ms). */
        public Builder webhookRetries(int maxAttempts, Duration backoff) {
            this.webhookMaxAttempts = maxAttempts;
            this.webhookRetryBackoff = backoff;
            return this;
        }

        /** Timeout of one webhook POST (default 5 s). */
        public Builder webhookTimeout(Duration timeout) {
            this.webhookTimeout = timeout;
            return this;
        }

        /** At most this many webhook POSTs open at once (default 64); more wait in a queue. */
        public Builder webhookMaxConcurrentPosts(int max) {
            this.webhookMaxConcurrentPosts = max;
            return this;
        }

        /** How many accepted messages are kept for queries (default 100,000; counters are not bounded). */
        public Builder maxRecordedMessages(int max) {
            this.maxRecordedMessages = max;
            return this;
        }

        SimulatorSettings settings() {
            return new SimulatorSettings(port, bindAddress, httpThreads, accessToken, appSecret, webhookUrl, wabaId,
                    displayPhoneNumber, phoneNumberIds, templates != null ? templates : TemplateCatalog.defaults(),
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
}
