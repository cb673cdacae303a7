package dev.appcare.whatsappsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The simulator's own HTTP API under {@code /_sim} (not part of the Cloud API): health, what was sent,
 * counters, failure injection, run-time settings, simulated inbound messages, reset. JSON in and out.
 */
final class AdminApi {

    private final WhatsAppSimulator sim;
    private final ObjectMapper mapper;

    AdminApi(WhatsAppSimulator sim, ObjectMapper mapper) {
        this.sim = sim;
        this.mapper = mapper;
    }

    void register(Javalin app) {
        app.get("/_sim/health", guarded(this::health));
        app.get("/health", guarded(this::health));
        app.get("/_sim/messages", guarded(this::messages));
        app.get("/_sim/messages/{wamid}", guarded(this::message));
        app.get("/_sim/stats", guarded(this::stats));
        app.get("/_sim/rejections", guarded(this::rejections));
        app.get("/_sim/webhooks", guarded(this::webhooks));
        app.get("/_sim/faults", guarded(this::faults));
        app.post("/_sim/faults", guarded(this::addFault));
        app.delete("/_sim/faults", guarded(ctx -> {
            sim.faults().clear();
            json(ctx, 200, mapper.createObjectNode().put("cleared", true));
        }));
        app.delete("/_sim/faults/{id}", guarded(ctx -> {
            boolean removed = sim.faults().remove(Long.parseLong(ctx.pathParam("id")));
            json(ctx, removed ? 200 : 404, mapper.createObjectNode().put("removed", removed));
        }));
        app.get("/_sim/config", guarded(ctx -> json(ctx, 200, config(sim.settings()))));
        app.put("/_sim/config", guarded(this::updateConfig));
        app.patch("/_sim/config", guarded(this::updateConfig));
        app.post("/_sim/inbound", guarded(this::inbound));
        app.post("/_sim/reset", guarded(ctx -> {
            sim.reset();
            json(ctx, 200, mapper.createObjectNode().put("reset", true));
        }));
        app.get("/_sim/templates", guarded(this::templates));
        app.post("/_sim/webhook-verification", guarded(ctx -> {
            String token = body(ctx).path("verifyToken").asText(null);
            if (token == null) {
                throw new IllegalArgumentException("\"verifyToken\" is required");
            }
            WhatsAppSimulator.VerificationResult r = sim.verifyWebhookSubscription(token);
            ObjectNode n = mapper.createObjectNode();
            n.put("verified", r.verified());
            n.put("httpStatus", r.httpStatus());
            n.put("challenge", r.challenge());
            n.put("answer", r.answer());
            json(ctx, 200, n);
        }));
    }

    private Handler guarded(Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (IllegalArgumentException | IllegalStateException | JsonProcessingException e) {
                json(ctx, 400, mapper.createObjectNode().put("error", e.getMessage()));
            }
        };
    }

    private void health(Context ctx) {
        ObjectNode n = mapper.createObjectNode();
        n.put("status", sim.isRunning() ? "UP" : "DOWN");
        n.put("port", sim.port());
        json(ctx, 200, n);
    }

    private void messages(Context ctx) {
        String id = ctx.queryParam("id");
        if (id != null) { // wamids are base64 and may hold '/' and '+': easier as a query parameter
            String wamid = id.replace(' ', '+');
            sim.acceptedMessage(wamid).ifPresentOrElse(
                    m -> json(ctx, 200, toJson(m)),
                    () -> json(ctx, 404, mapper.createObjectNode().put("error", "no such message")));
            return;
        }
        String to = ctx.queryParam("to");
        String template = ctx.queryParam("template");
        int limit = intParam(ctx, "limit", 1000);
        List<SentMessage> list = to != null ? sim.acceptedFor(to) : sim.accepted();
        if (template != null) {
            list = list.stream().filter(m -> template.equals(m.templateName())).toList();
        }
        if (list.size() > limit) {
            list = list.subList(list.size() - limit, list.size());
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("count", list.size());
        ArrayNode arr = root.putArray("messages");
        list.forEach(m -> arr.add(toJson(m)));
        json(ctx, 200, root);
    }

    private void message(Context ctx) {
        sim.acceptedMessage(ctx.pathParam("wamid")).ifPresentOrElse(
                m -> json(ctx, 200, toJson(m)),
                () -> json(ctx, 404, mapper.createObjectNode().put("error", "no such message")));
    }

    private void stats(Context ctx) {
        SimulatorStats s = sim.stats();
        ObjectNode root = mapper.createObjectNode();
        root.put("accepted", s.accepted());
        root.put("rejected", s.rejected());
        ObjectNode byCode = root.putObject("rejectionsByCode");
        s.rejectionsByCode().forEach((code, n) -> byCode.put(Integer.toString(code), n));
        root.put("injectedFaults", s.injectedFaults());
        root.put("inbound", s.inbound());
        ObjectNode w = root.putObject("webhooks");
        w.put("posted", s.webhooks().posted());
        w.put("delivered", s.webhooks().delivered());
        w.put("failedAttempts", s.webhooks().failedAttempts());
        w.put("gaveUp", s.webhooks().gaveUp());
        w.put("duplicates", s.webhooks().duplicates());
        w.put("skippedWithoutUrl", s.webhooks().skippedWithoutUrl());
        w.put("pending", s.webhooks().pending());
        json(ctx, 200, root);
    }

    private void rejections(Context ctx) {
        String code = ctx.queryParam("code");
        String to = ctx.queryParam("to");
        int limit = intParam(ctx, "limit", 1000);
        List<SendRejection> list = sim.rejections().stream()
                .filter(r -> code == null || Integer.toString(r.code()).equals(code))
                .filter(r -> to == null || (r.to() != null && PhoneNumbers.digitsOnly(r.to())
                        .equals(PhoneNumbers.digitsOnly(to))))
                .toList();
        if (list.size() > limit) {
            list = list.subList(list.size() - limit, list.size());
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("count", list.size());
        ArrayNode arr = root.putArray("rejections");
        for (SendRejection r : list) {
            ObjectNode n = arr.addObject();
            n.put("at", r.at().toString());
            n.put("phoneNumberId", r.phoneNumberId());
            n.put("to", r.to());
            n.put("template", r.templateName());
            n.put("httpStatus", r.httpStatus());
            n.put("code", r.code());
            n.put("details", r.details());
            n.put("injected", r.injected());
        }
        json(ctx, 200, root);
    }

    private void webhooks(Context ctx) {
        String id = ctx.queryParam("id");
        int limit = intParam(ctx, "limit", 1000);
        List<WebhookDelivery> list = sim.webhookDeliveries().stream()
                .filter(d -> id == null || id.equals(d.messageId()))
                .toList();
        if (list.size() > limit) {
            list = list.subList(list.size() - limit, list.size());
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("count", list.size());
        ArrayNode arr = root.putArray("deliveries");
        for (WebhookDelivery d : list) {
            ObjectNode n = arr.addObject();
            n.put("kind", d.kind());
            n.put("id", d.messageId());
            n.put("status", d.status());
            n.put("attempts", d.attempts());
            n.put("lastHttpStatus", d.lastHttpStatus());
            n.put("delivered", d.delivered());
            n.put("duplicate", d.duplicate());
            n.put("finishedAt", d.finishedAt().toString());
            n.put("signature", d.signature());
            n.set("body", readTreeQuietly(d.body()));
        }
        json(ctx, 200, root);
    }

    private void faults(Context ctx) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode arr = root.putArray("faults");
        for (FaultInjector.Rule r : sim.faults().active()) {
            arr.add(toJson(r));
        }
        root.put("injectedSoFar", sim.faults().injectedCount());
        json(ctx, 200, root);
    }

    /**
     * {@code {"match":"next","count":3,"action":"error","code":131000,"httpStatus":500}}; match is next |
     * fraction (with "fraction") | recipient (with "to", optional "count") | always; action is error (code,
     * optional httpStatus) | hang / hang-then-accept (holdMillis) | async-failure (code).
     */
    private void addFault(Context ctx) throws IOException {
        JsonNode req = body(ctx);
        Fault fault = faultOf(req);
        String match = req.path("match").asText("next");
        FaultInjector.Rule rule = switch (match) {
            case "next" -> sim.faults().nextRequests(req.path("count").asInt(1), fault);
            case "fraction" -> sim.faults().fractionOfRequests(requireDouble(req, "fraction"), fault);
            case "always", "all" -> sim.faults().allRequests(fault);
            case "recipient" -> {
                String to = req.path("to").asText(null);
                if (to == null) {
                    throw new IllegalArgumentException("match recipient needs \"to\"");
                }
                yield req.has("count") ? sim.faults().forRecipient(to, req.get("count").asInt(), fault)
                        : sim.faults().forRecipient(to, fault);
            }
            default -> throw new IllegalArgumentException("match must be next, fraction, recipient or always");
        };
        json(ctx, 201, toJson(rule));
    }

    private static Fault faultOf(JsonNode req) {
        String action = req.path("action").asText("error");
        return switch (action) {
            case "error" -> {
                int code = req.path("code").asInt(GraphErrors.SOMETHING_WENT_WRONG);
                yield req.has("httpStatus") ? Fault.error(code, req.get("httpStatus").asInt()) : Fault.error(code);
            }
            case "hang" -> Fault.hang(Duration.ofMillis(req.path("holdMillis").asLong(30_000)));
            case "hang-then-accept" -> Fault.hangThenAccept(Duration.ofMillis(req.path("holdMillis").asLong(30_000)));
            case "async-failure" -> Fault.asyncFailure(req.path("code").asInt(GraphErrors.UNDELIVERABLE));
            default -> throw new IllegalArgumentException(
                    "action must be error, hang, hang-then-accept or async-failure");
        };
    }

    private void updateConfig(Context ctx) throws IOException {
        JsonNode req = body(ctx);
        sim.reconfigure(b -> {
            for (Map.Entry<String, JsonNode> e : req.properties()) {
                JsonNode v = e.getValue();
                SimulatorSettings cur = sim.settings();
                switch (e.getKey()) {
                    case "webhookUrl" -> b.webhookUrl(v.isNull() || v.asText().isBlank() ? null : URI.create(v.asText()));
                    case "accessToken" -> b.accessToken(v.asText());
                    case "appSecret" -> b.appSecret(v.asText());
                    case "throughputPerSecond" -> b.throughputPerSecond(v.asInt());
                    case "pairBurst" -> b.pairRate(v.asInt(), cur.pairPeriod());
                    case "pairPeriodMillis" -> b.pairRate(req.path("pairBurst").asInt(cur.pairBurst()),
                            Duration.ofMillis(v.asLong()));
                    case "rateLimitGraceMillis" -> b.rateLimitGrace(Duration.ofMillis(v.asLong()));
                    case "throughputErrorHttpStatus" -> b.throughputErrorHttpStatus(v.asInt());
                    case "pairRateErrorHttpStatus" -> b.pairRateErrorHttpStatus(v.asInt());
                    case "latencyMillis" -> b.latency(Duration.ofMillis(v.asLong()),
                            Duration.ofMillis(req.path("latencyJitterMillis").asLong(cur.latencyJitter().toMillis())));
                    case "latencyJitterMillis" -> b.latency(
                            Duration.ofMillis(req.path("latencyMillis").asLong(cur.latency().toMillis())),
                            Duration.ofMillis(v.asLong()));
                    case "statusDelayMillis" -> b.statusDelay(Duration.ofMillis(v.asLong()));
                    case "deliveredProbability" -> b.deliveredProbability(v.asDouble());
                    case "readProbability" -> b.readProbability(v.asDouble());
                    case "duplicateProbability" -> b.duplicateProbability(v.asDouble());
                    case "reorderProbability" -> b.reorderProbability(v.asDouble());
                    case "seed" -> b.seed(v.asLong());
                    case "webhookMaxAttempts" -> b.webhookRetries(v.asInt(), cur.webhookRetryBackoff());
                    case "webhookRetryBackoffMillis" -> b.webhookRetries(
                            req.path("webhookMaxAttempts").asInt(cur.webhookMaxAttempts()), Duration.ofMillis(v.asLong()));
                    default -> throw new IllegalArgumentException("Unknown or fixed setting: " + e.getKey());
                }
            }
        });
        json(ctx, 200, config(sim.settings()));
    }

    private void inbound(Context ctx) throws IOException {
        JsonNode req = body(ctx);
        String from = req.path("from").asText(null);
        if (from == null) {
            throw new IllegalArgumentException("\"from\" is required");
        }
        String wamid;
        if (req.has("button")) {
            JsonNode button = req.get("button");
            wamid = sim.simulateButtonReply(from, button.path("text").asText(), button.path("payload").asText(null),
                    req.path("context").asText(null));
        } else if (req.has("media")) {
            JsonNode media = req.get("media");
            WhatsAppSimulator.InboundMedia type;
            try {
                type = WhatsAppSimulator.InboundMedia.valueOf(media.path("type").asText("").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"media.type\" must be image, video, document or audio");
            }
            WhatsAppSimulator.InboundMediaMessage sent = sim.simulateInboundMedia(from, type,
                    media.path("mimeType").asText("application/octet-stream"), media.path("caption").asText(null),
                    media.path("filename").asText(null));
            json(ctx, 201, mapper.createObjectNode().put("id", sent.wamid()).put("mediaId", sent.mediaId()));
            return;
        } else {
            String text = req.path("text").asText(null);
            if (text == null) {
                throw new IllegalArgumentException("\"text\" (or \"button\" or \"media\") is required");
            }
            wamid = sim.simulateInboundText(from, text, req.path("name").asText("WhatsApp User"),
                    req.path("phoneNumberId").asText(null));
        }
        json(ctx, 201, mapper.createObjectNode().put("id", wamid));
    }

    private void templates(Context ctx) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode arr = root.putArray("templates");
        for (ApprovedTemplates.Template t : sim.settings().templates().templates()) {
            ObjectNode n = arr.addObject();
            n.put("name", t.name());
            n.put("category", t.category());
            n.put("status", t.status().name());
            n.put("header", t.header().name());
            n.put("bodyParameters", t.bodyParameters());
            ArrayNode langs = n.putArray("languages");
            t.languages().stream().sorted().forEach(langs::add);
        }
        json(ctx, 200, root);
    }

    private ObjectNode config(SimulatorSettings s) {
        ObjectNode n = mapper.createObjectNode();
        n.put("baseUrl", sim.baseUrl());
        n.put("bindAddress", s.bindAddress());
        n.put("webhookUrl", s.webhookUrl() == null ? null : s.webhookUrl().toString());
        n.put("wabaId", s.wabaId());
        n.put("displayPhoneNumber", s.displayPhoneNumber());
        ArrayNode ids = n.putArray("phoneNumberIds");
        s.phoneNumberIds().stream().sorted().forEach(ids::add);
        n.put("throughputPerSecond", s.throughputPerSecond());
        n.put("pairBurst", s.pairBurst());
        n.put("pairPeriodMillis", s.pairPeriod().toMillis());
        n.put("rateLimitGraceMillis", s.rateLimitGrace().toMillis());
        n.put("throughputErrorHttpStatus", s.throughputErrorHttpStatus());
        n.put("pairRateErrorHttpStatus", s.pairRateErrorHttpStatus());
        n.put("latencyMillis", s.latency().toMillis());
        n.put("latencyJitterMillis", s.latencyJitter().toMillis());
        n.put("statusDelayMillis", s.statusDelay().toMillis());
        n.put("deliveredProbability", s.deliveredProbability());
        n.put("readProbability", s.readProbability());
        n.put("duplicateProbability", s.duplicateProbability());
        n.put("reorderProbability", s.reorderProbability());
        n.put("seed", s.seed());
        n.put("webhookMaxAttempts", s.webhookMaxAttempts());
        n.put("webhookRetryBackoffMillis", s.webhookRetryBackoff().toMillis());
        n.put("webhookTimeoutMillis", s.webhookTimeout().toMillis());
        n.put("maxRecordedMessages", s.maxRecordedMessages());
        return n;
    }

    private ObjectNode toJson(SentMessage m) {
        ObjectNode n = mapper.createObjectNode();
        n.put("wamid", m.wamid());
        n.put("phoneNumberId", m.phoneNumberId());
        n.put("apiVersion", m.apiVersion());
        n.put("to", m.to());
        n.put("waId", m.waId());
        n.put("type", m.type());
        n.put("template", m.templateName());
        n.put("language", m.language());
        ArrayNode params = n.putArray("bodyParameters");
        m.bodyParameters().forEach(params::add);
        if (m.documentLink() != null || m.documentId() != null) {
            ObjectNode doc = n.putObject("document");
            doc.put("link", m.documentLink());
            doc.put("id", m.documentId());
            doc.put("filename", m.documentFilename());
        }
        n.put("text", m.text());
        n.put("bizOpaqueCallbackData", m.bizOpaqueCallbackData());
        n.put("acceptedAt", m.acceptedAt().toString());
        if (m.asyncFailureCode() != null) {
            n.put("asyncFailureCode", m.asyncFailureCode());
        }
        return n;
    }

    private ObjectNode toJson(FaultInjector.Rule r) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", r.id());
        n.put("match", r.match().name().toLowerCase());
        if (r.recipient() != null) {
            n.put("to", r.recipient());
        }
        if (r.match() == FaultInjector.Match.FRACTION) {
            n.put("fraction", r.fraction());
        }
        n.put("remaining", r.remaining() < 0 ? null : r.remaining());
        n.put("fault", r.fault().toString());
        n.put("kind", r.fault().kind().name());
        n.put("code", r.fault().code());
        n.put("httpStatus", r.fault().httpStatus());
        return n;
    }

    private JsonNode body(Context ctx) throws IOException {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            return mapper.createObjectNode();
        }
        JsonNode n = mapper.readTree(bytes);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("Expected a JSON object");
        }
        return n;
    }

    private JsonNode readTreeQuietly(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }

    private static double requireDouble(JsonNode req, String field) {
        if (!req.has(field)) {
            throw new IllegalArgumentException("\"" + field + "\" is required");
        }
        return req.get(field).asDouble();
    }

    private static int intParam(Context ctx, String name, int dflt) {
        String v = ctx.queryParam(name);
        return v == null ? dflt : Integer.parseInt(v);
    }

    private void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json; charset=UTF-8").result(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
