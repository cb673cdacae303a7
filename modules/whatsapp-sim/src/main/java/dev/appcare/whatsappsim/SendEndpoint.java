package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.router.EndpointNotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Cloud API send endpoint {@code POST /{version}/{phone-number-id}/messages}: path, token and
 * phone-number-id checks, throughput limit, injected faults, Meta's request validation, pair-rate limit,
 * the 24-hour window; then the accepted message is recorded and its status webhooks planned. Also how the
 * Graph API answers unknown paths and unexpected errors. (A record: it is the wiring of those parts.)
 */
record SendEndpoint(Supplier<SimulatorSettings> settings, Supplier<Clock> clock, RateLimits rateLimits,
                    FaultInjector faults, SendRequestValidator validator, SentMessages sent, Wamids wamids,
                    InboundMessages inbound, StatusWebhooks statuses, GraphReplies replies) {

    private static final Logger log = LoggerFactory.getLogger(SendEndpoint.class);
    private static final Pattern VERSION = Pattern.compile("v[0-9]+\\.[0-9]+");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

    void register(Javalin app) {
        app.post("/{version}/{phoneNumberId}/messages", this::handle);
        // Graph API answers unknown paths with 400 / code 2500 (the admin API keeps Javalin's 404).
        app.exception(EndpointNotFound.class, (e, ctx) -> {
            if (ctx.path().startsWith("/_sim")) {
                ctx.status(404).contentType("application/json").result("{\"error\":\"no such endpoint\"}");
            } else {
                GraphReplies.write(ctx, replies.error(new GraphApiError(2500, 400,
                        "Unknown path components: " + ctx.path(), null, null)));
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Unexpected error handling {} {}", ctx.method(), ctx.path(), e);
            GraphReplies.write(ctx, replies.error(GraphApiError.of(GraphErrors.SOMETHING_WENT_WRONG, 500,
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

    private void handle(Context ctx) {
        SimulatorSettings s = settings.get();
        long latency = latencyNanos(s);
        RequestFacts facts = new RequestFacts();
        facts.phoneNumberId = ctx.pathParam("phoneNumberId");
        GraphReplies.Reply reply;
        try {
            reply = process(ctx, s, facts, latency);
        } catch (GraphApiError e) {
            recordRejection(e, facts);
            reply = replies.error(e).delayed(latency);
        }
        replies.respond(ctx, reply);
    }

    private GraphReplies.Reply process(Context ctx, SimulatorSettings s, RequestFacts facts, long latency) {
        String version = ctx.pathParam("version");
        String phoneId = facts.phoneNumberId;
        if (!VERSION.matcher(version).matches()) {
            throw new GraphApiError(2500, 400, "Unknown path components: /" + version, null, null);
        }
        if (!authorized(ctx, s)) {
            throw GraphApiError.invalidToken();
        }
        if (!NUMERIC.matcher(phoneId).matches()
                || (!s.account().phoneNumberIds().isEmpty() && !s.account().phoneNumberIds().contains(phoneId))) {
            throw GraphApiError.invalidParameter("Unsupported post request. Object with ID '" + phoneId
                    + "' does not exist, cannot be loaded due to missing permissions, or does not support this "
                    + "operation.");
        }
        if (!rateLimits.tryThroughput(phoneId)) {
            throw GraphApiError.of(GraphErrors.THROUGHPUT, s.answers().throughputErrorHttpStatus(), null);
        }
        JsonNode request = validator.parse(ctx.bodyAsBytes());
        facts.to = request.path("to").isTextual() ? request.path("to").asText() : null;
        facts.template = request.path("template").path("name").isTextual()
                ? request.path("template").path("name").asText() : null;

        Fault fault = faults.select(PhoneNumbers.recipientDigits(facts.to), phoneId).orElse(null);
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
                    return replies.error(e).delayed(fault.hold().toNanos());
                }
                default -> facts.injected = false; // accepted paths: not a rejection
            }
        }

        SendRequestValidator.ValidSend valid = validator.validate(request, s.account().templates());
        if (!rateLimits.tryPair(phoneId, valid.waId())) {
            throw GraphApiError.of(GraphErrors.PAIR_RATE, s.answers().pairRateErrorHttpStatus(), null);
        }
        Integer asyncFailure = null;
        if (fault != null && fault.kind() == Fault.Kind.ASYNC_FAILURE) {
            asyncFailure = fault.code();
        } else if ("text".equals(valid.type()) && !inbound.insideServiceWindow(valid.waId())) {
            asyncFailure = GraphErrors.RE_ENGAGEMENT; // free-form text outside the 24 h window
        }
        SentMessage message = accept(s, version, phoneId, valid, asyncFailure);
        long responseDelay = fault != null && fault.kind() == Fault.Kind.HANG_THEN_ACCEPT
                ? fault.hold().toNanos() : latency;
        statuses.plan(s, message, latency + s.statuses().delay().toNanos());
        return replies.accepted(message, responseDelay);
    }

    private static boolean authorized(Context ctx, SimulatorSettings s) {
        String header = ctx.header("Authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (header == null) {
            token = ctx.queryParam("access_token"); // Graph API also takes the token as a query parameter
        }
        return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                s.account().accessToken().getBytes(StandardCharsets.UTF_8));
    }

    private static long latencyNanos(SimulatorSettings s) {
        long base = s.answers().latency().toNanos();
        long jitter = s.answers().latencyJitter().toNanos();
        return jitter > 0 ? base + ThreadLocalRandom.current().nextLong(jitter + 1) : base;
    }

    private SentMessage accept(SimulatorSettings s, String version, String phoneId,
                               SendRequestValidator.ValidSend v, Integer asyncFailure) {
        String text = v.template() != null ? v.template().render(v.language(), v.bodyParameters()) : v.textBody();
        SentMessage m = new SentMessage(wamids.next(v.waId()), phoneId, version, v.to(), v.waId(), v.type(),
                v.templateName(), v.language(), v.bodyParameters(), v.documentLink(), v.documentId(),
                v.documentFilename(), text, v.bizOpaqueCallbackData(), clock.get().instant(), asyncFailure);
        sent.accepted(m, s.maxRecordedMessages());
        if (log.isDebugEnabled()) {
            log.debug("Accepted {} {} {}", m.wamid(), m.templateName(), m.language());
        }
        return m;
    }

    private void recordRejection(GraphApiError e, RequestFacts facts) {
        sent.refused(new SendRejection(Instant.now(), facts.phoneNumberId, facts.to, facts.template,
                e.httpStatus(), e.code(), e.details() != null ? e.details() : e.graphMessage(), facts.injected));
        if (log.isDebugEnabled()) {
            log.debug("Refused send ({}): HTTP {} code {} {}", facts.template, e.httpStatus(), e.code(),
                    e.details());
        }
    }
}
