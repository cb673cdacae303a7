package dev.appcare.optin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appcare.avro.TravellerPreference;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the opt-in API (Javalin). Resource {@code /v1/travellers/{pnr}/{passengerId}/whatsapp}:
 *
 * <pre>
 *   GET    .../whatsapp           read the current preference              permission read
 *   PUT    .../whatsapp           opt in (201) or change (200)             permission write
 *   POST   .../whatsapp/opt-out   opt out (kept as a record, with its time) permission write
 *   DELETE .../whatsapp           erase (GDPR): a tombstone                permission erase
 *   GET    /openapi.yaml                                                   no credentials
 * </pre>
 *
 * {@code /health} and {@code /metrics} are not served here but on the management port
 * ({@code optin.management.port}, a {@link dev.appcare.runtime.HealthServer}), so the port the
 * booking site reaches serves nothing but the API.
 *
 * A call for a traveller whose partition of the preference store another instance owns is passed to that
 * instance and its answer relayed ({@link OwnerRouting}), after this instance checked the credentials.
 *
 * Every failure is an RFC 9457 {@code application/problem+json} body naming the fields at fault in
 * {@code invalid-params}; nothing below this layer ever reaches the caller as a stack trace.
 */
final class OptinHttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OptinHttpApi.class);
    static final String RESOURCE = "/v1/travellers/{pnr}/{passengerId}/whatsapp";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final String OPERATION = "appcare.operation";
    private static final String CALLER = "appcare.caller";

    private final OptinSettings settings;
    private final OptinService service;
    private final ApiKeys apiKeys;
    private final OptInRequestParser parser;
    private final PreferenceJson representation;
    private final PrometheusMeterRegistry metrics;
    private final OwnerRouting routing;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final byte[] openApi;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private Javalin app;

    OptinHttpApi(OptinSettings settings, OptinService service, OptInRequestParser parser, PreferenceJson representation,
                 PrometheusMeterRegistry metrics, OwnerRouting routing) {
        this.settings = settings;
        this.routing = routing;
        this.service = service;
        this.apiKeys = settings.apiKeys();
        this.parser = parser;
        this.representation = representation;
        this.metrics = metrics;
        this.openApi = resource("/openapi.yaml");
    }

    void start() {
        QueuedThreadPool threads = new QueuedThreadPool(32, 2, 60_000);
        threads.setName("optin-http");
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.threadPool = threads;
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            config.requestLogger.http(this::record);
        });
        app.get(RESOURCE, secured("read", Permission.READ, this::read));
        app.put(RESOURCE, secured("opt-in", Permission.WRITE, this::optIn));
        app.post(RESOURCE + "/opt-out", secured("opt-out", Permission.WRITE, this::optOut));
        app.delete(RESOURCE, secured("erase", Permission.ERASE, this::erase));
        app.get("/openapi.yaml", open("openapi", ctx -> ctx.contentType("application/yaml").result(openApi)));

        app.exception(ProblemException.class, (e, ctx) -> problem(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, fromJavalin(e)));
        app.exception(Exception.class, (e, ctx) -> {
            String id = UUID.randomUUID().toString();
            log.error("Unexpected error {} on {} {}", id, ctx.method(), operation(ctx), e);
            problem(ctx, new ProblemException(ProblemType.INTERNAL, "An unexpected error occurred; it was logged as " + id + "."));
        });
        app.start(settings.host(), settings.port());
        log.info("Opt-in API listening on http://{}:{}", settings.host(), app.port());
    }

    int port() {
        return app.port();
    }

    /** True once {@link #stop} began: new calls are refused. */
    boolean draining() {
        return draining;
    }

    // ---- endpoints -------------------------------------------------------------------------------

    private void read(Context ctx) {
        TravellerKey traveller = traveller(ctx);
        TravellerPreference preference = service.read(traveller).orElseThrow(() -> notFound(traveller));
        respond(ctx, 200, representation.toJson(preference));
    }

    private void optIn(Context ctx) {
        TravellerKey traveller = traveller(ctx);
        JsonNode body = jsonBody(ctx);
        OptInRequest request = parser.parse(body);
        OptinService.OptInResult result = service.optIn(traveller, request);
        ObjectNode response = representation.toJson(result.preference());
        response.put("outcome", result.outcome().name());
        result.confirmationMessageId().ifPresent(id -> response.put("confirmationMessageId", id));
        boolean created = result.outcome() == PreferenceRules.Outcome.CREATED;
        if (created) {
            ctx.header("Location", ctx.path());
        }
        respond(ctx, created ? 201 : 200, response);
    }

    private void optOut(Context ctx) {
        TravellerKey traveller = traveller(ctx);
        PreferenceRules.Decision decision = service.optOut(traveller);
        if (decision.outcome() == PreferenceRules.Outcome.NOT_FOUND) {
            throw notFound(traveller);
        }
        ObjectNode response = representation.toJson(decision.next());
        response.put("outcome", decision.outcome().name());
        respond(ctx, 200, response);
    }

    private void erase(Context ctx) {
        service.erase(traveller(ctx), String.valueOf(ctx.attributeMap().get(CALLER)));
        ctx.status(204);
    }

    // ---- request handling ------------------------------------------------------------------------

    private Handler secured(String operation, Permission permission, Handler handler) {
        return ctx -> {
            ctx.attribute(OPERATION, operation);
            ctx.header("Cache-Control", "no-store");
            if (draining) {
                throw new ProblemException(ProblemType.UNAVAILABLE, "The service is shutting down; retry on another instance.",
                        List.of(), Map.of("Retry-After", "1"));
            }
            inFlight.incrementAndGet();
            try {
                ApiKeys.Caller caller = authenticate(ctx);
                ctx.attribute(CALLER, caller.name());
                if (!caller.may(permission)) {
                    metrics.counter("appcare.optin.auth.failures", "reason", "forbidden").increment();
                    throw new ProblemException(ProblemType.FORBIDDEN, "The API key '" + caller.name() + "' lacks the '"
                            + permission.configName() + "' permission needed to " + operation + ".");
                }
                // Served where the traveller's state is: the instance owning its partition (OwnerRouting).
                HostInfo owner = routing.ownerElsewhere(ctx, traveller(ctx));
                if (owner != null) {
                    routing.forward(ctx, owner, rawBody(ctx));
                    return;
                }
                handler.handle(ctx);
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    private static Handler open(String operation, Handler handler) {
        return ctx -> {
            ctx.attribute(OPERATION, operation);
            handler.handle(ctx);
        };
    }

    /** {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}. */
    private ApiKeys.Caller authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        String apiKey = ctx.header("X-API-Key");
        String presented = null;
        String field = "Authorization";
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = authorization.substring(7).strip();
            }
        } else if (apiKey != null) {
            presented = apiKey.strip();
            field = "X-API-Key";
        }
        if (authorization == null && apiKey == null) {
            metrics.counter("appcare.optin.auth.failures", "reason", "missing").increment();
            throw unauthorized("No credentials: send 'Authorization: Bearer <api key>'.",
                    new InvalidParam("Authorization", "is missing"));
        }
        String reportedField = field;
        return apiKeys.authenticate(presented).orElseThrow(() -> {
            metrics.counter("appcare.optin.auth.failures", "reason", "invalid").increment();
            return unauthorized("The credentials are not valid.", new InvalidParam(reportedField,
                    "Authorization".equals(reportedField) && !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                            ? "must use the Bearer scheme" : "is not a valid API key"));
        });
    }

    private static ProblemException unauthorized(String detail, InvalidParam param) {
        return new ProblemException(ProblemType.UNAUTHORIZED, detail, List.of(param),
                Map.of("WWW-Authenticate", "Bearer realm=\"appcare-optin\""));
    }

    private static TravellerKey traveller(Context ctx) {
        return TravellerKey.of(ctx.pathParam("pnr"), ctx.pathParam("passengerId"));
    }

    private static ProblemException notFound(TravellerKey traveller) {
        return new ProblemException(ProblemType.NOT_FOUND, "No WhatsApp preference for traveller " + traveller.key() + ".");
    }

    /** Reads at most the configured number of bytes, whatever Content-Length says, and parses them. */
    private JsonNode jsonBody(Context ctx) {
        String contentType = ctx.contentType();
        String mime = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json (got "
                    + (contentType == null ? "no Content-Type" : "'" + contentType + "'") + ").",
                    List.of(new InvalidParam("Content-Type", "must be application/json")));
        }
        int limit = settings.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "The request body could not be read.");
        }
        if (body.length > limit) {
            throw tooLarge(limit);
        }
        if (body.length == 0) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "The request body is empty; send a JSON object.",
                    List.of(new InvalidParam("(body)", "is empty")));
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new ProblemException(ProblemType.MALFORMED_JSON, "The body is not valid JSON" + where + ": "
                    + e.getOriginalMessage(), List.of(new InvalidParam("(body)", "is not valid JSON" + where)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as sent (at most the configured bytes), to forward; empty for calls without one. */
    private byte[] rawBody(Context ctx) {
        int limit = settings.maxBodyBytes();
        if (ctx.req().getContentLengthLong() > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "The request body could not be read.");
        }
    }

    private static ProblemException tooLarge(int limit) {
        return new ProblemException(ProblemType.BODY_TOO_LARGE, "The request body exceeds " + limit + " bytes.",
                List.of(new InvalidParam("(body)", "is larger than " + limit + " bytes")));
    }

    private void respond(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json").result(bytes(body));
    }

    private void problem(Context ctx, ProblemException e) {
        ProblemType type = e.type();
        ObjectNode body = json.createObjectNode();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", e.detail());
        body.put("instance", ctx.path());
        if (!e.invalidParams().isEmpty()) {
            ArrayNode params = body.putArray("invalid-params");
            e.invalidParams().forEach(p -> params.addObject().put("name", p.name()).put("reason", p.reason()));
        }
        e.headers().forEach(ctx::header);
        ctx.header("Cache-Control", "no-store");
        ctx.status(type.status()).contentType(PROBLEM_JSON).result(bytes(body));
    }

    private ProblemException fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> new ProblemException(ProblemType.NOT_FOUND, "No such resource; see /openapi.yaml.");
            case 405 -> new ProblemException(ProblemType.METHOD_NOT_ALLOWED, "This method is not allowed here; see /openapi.yaml.");
            case 413 -> tooLarge(settings.maxBodyBytes());
            default -> e.getStatus() >= 500
                    ? new ProblemException(ProblemType.INTERNAL, "The server could not handle the request.")
                    : new ProblemException(ProblemType.BAD_REQUEST, "The request could not be handled (HTTP " + e.getStatus() + ").");
        };
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- metrics and access log ------------------------------------------------------------------

    private void record(Context ctx, Float executionMillis) {
        int status = ctx.statusCode();
        String outcome = status < 400 ? "success" : status < 500 ? "client_error" : "server_error";
        Timer.builder("appcare.optin.http.requests")
                .description("HTTP requests to the opt-in API, by operation and outcome")
                .tag("method", ctx.method().name())
                .tag("operation", operation(ctx))
                .tag("status", Integer.toString(status))
                .tag("outcome", outcome)
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(metrics)
                .record((long) (executionMillis * 1_000_000L), TimeUnit.NANOSECONDS);
        String operation = operation(ctx);
        if (!operation.equals("health") && !operation.equals("metrics")) {
            // The route template, never the path: paths hold booking references.
            log.info("{} {} -> {} in {} ms (caller {})", ctx.method(), operation, status, Math.round(executionMillis),
                    ctx.attributeMap().getOrDefault(CALLER, "-"));
        }
    }

    private static String operation(Context ctx) {
        Object operation = ctx.attributeMap().get(OPERATION);
        return operation == null ? "unmatched" : operation.toString();
    }

    private static byte[] resource(String name) {
        try (InputStream in = OptinHttpApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops taking API calls, lets the ones under way finish (up to {@code grace}), then closes the server. */
    void stop(Duration grace) {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("Stopping with {} request(s) still under way", inFlight.get());
        }
        if (app != null) {
            app.stop();
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
