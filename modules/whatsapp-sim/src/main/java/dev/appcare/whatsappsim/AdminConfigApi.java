package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The admin API's settings ({@code /_sim/config}, {@code /_sim/templates}): shows the current settings and
 * the approved templates, and changes settings at run time from JSON through the builder (so the same
 * checks apply as in code). Secrets are never shown.
 */
final class AdminConfigApi {

    private final WhatsAppSimulator sim;
    private final AdminJson json;

    AdminConfigApi(WhatsAppSimulator sim, AdminJson json) {
        this.sim = sim;
        this.json = json;
    }

    void register(Javalin app) {
        app.get("/_sim/config", json.guarded(ctx -> json.write(ctx, 200, config(sim.settings()))));
        app.put("/_sim/config", json.guarded(this::update));
        app.patch("/_sim/config", json.guarded(this::update));
        app.get("/_sim/templates", json.guarded(this::templates));
    }

    private void update(Context ctx) throws IOException {
        JsonNode req = json.body(ctx);
        sim.reconfigure(b -> {
            SimulatorSettings cur = sim.settings();
            for (Map.Entry<String, JsonNode> e : req.properties()) {
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "webhookUrl" -> b.webhookUrl(v.isNull() || v.asText().isBlank() ? null : URI.create(v.asText()));
                    case "accessToken" -> b.accessToken(v.asText());
                    case "appSecret" -> b.appSecret(v.asText());
                    case "throughputPerSecond" -> b.throughputPerSecond(v.asInt());
                    case "pairBurst" -> b.pairRate(v.asInt(), Duration.ofMillis(
                            req.path("pairPeriodMillis").asLong(cur.limits().pairPeriod().toMillis())));
                    case "pairPeriodMillis" -> b.pairRate(req.path("pairBurst").asInt(cur.limits().pairBurst()),
                            Duration.ofMillis(v.asLong()));
                    case "rateLimitGraceMillis" -> b.rateLimitGrace(Duration.ofMillis(v.asLong()));
                    case "throughputErrorHttpStatus" -> b.throughputErrorHttpStatus(v.asInt());
                    case "pairRateErrorHttpStatus" -> b.pairRateErrorHttpStatus(v.asInt());
                    case "latencyMillis" -> b.latency(Duration.ofMillis(v.asLong()), Duration.ofMillis(
                            req.path("latencyJitterMillis").asLong(cur.answers().latencyJitter().toMillis())));
                    case "latencyJitterMillis" -> b.latency(Duration.ofMillis(
                            req.path("latencyMillis").asLong(cur.answers().latency().toMillis())),
                            Duration.ofMillis(v.asLong()));
                    case "statusDelayMillis" -> b.statusDelay(Duration.ofMillis(v.asLong()));
                    case "deliveredProbability" -> b.deliveredProbability(v.asDouble());
                    case "readProbability" -> b.readProbability(v.asDouble());
                    case "duplicateProbability" -> b.duplicateProbability(v.asDouble());
                    case "reorderProbability" -> b.reorderProbability(v.asDouble());
                    case "seed" -> b.seed(v.asLong());
                    case "webhookMaxAttempts" -> b.webhookRetries(v.asInt(), Duration.ofMillis(
                            req.path("webhookRetryBackoffMillis").asLong(cur.webhooks().retryBackoff().toMillis())));
                    case "webhookRetryBackoffMillis" -> b.webhookRetries(
                            req.path("webhookMaxAttempts").asInt(cur.webhooks().maxAttempts()),
                            Duration.ofMillis(v.asLong()));
                    default -> throw new IllegalArgumentException("Unknown or fixed setting: " + e.getKey());
                }
            }
        });
        json.write(ctx, 200, config(sim.settings()));
    }

    private void templates(Context ctx) {
        ObjectNode root = json.object();
        ArrayNode arr = root.putArray("templates");
        for (ApprovedTemplates.Template t : sim.settings().account().templates().templates()) {
            ObjectNode n = arr.addObject();
            n.put("name", t.name());
            n.put("category", t.category());
            n.put("status", t.status().name());
            n.put("header", t.header().name());
            n.put("bodyParameters", t.bodyParameters());
            ArrayNode langs = n.putArray("languages");
            t.languages().stream().sorted().forEach(langs::add);
        }
        json.write(ctx, 200, root);
    }

    private ObjectNode config(SimulatorSettings s) {
        ObjectNode n = json.object();
        n.put("baseUrl", sim.baseUrl());
        n.put("bindAddress", s.server().bindAddress());
        n.put("webhookUrl", s.webhooks().url() == null ? null : s.webhooks().url().toString());
        n.put("wabaId", s.account().wabaId());
        n.put("displayPhoneNumber", s.account().displayPhoneNumber());
        ArrayNode ids = n.putArray("phoneNumberIds");
        s.account().phoneNumberIds().stream().sorted().forEach(ids::add);
        SimulatorSettings.Limits limits = s.limits();
        n.put("throughputPerSecond", limits.throughputPerSecond());
        n.put("pairBurst", limits.pairBurst());
        n.put("pairPeriodMillis", limits.pairPeriod().toMillis());
        n.put("rateLimitGraceMillis", limits.grace().toMillis());
        SimulatorSettings.Answers answers = s.answers();
        n.put("throughputErrorHttpStatus", answers.throughputErrorHttpStatus());
        n.put("pairRateErrorHttpStatus", answers.pairRateErrorHttpStatus());
        n.put("latencyMillis", answers.latency().toMillis());
        n.put("latencyJitterMillis", answers.latencyJitter().toMillis());
        SimulatorSettings.Statuses statuses = s.statuses();
        n.put("statusDelayMillis", statuses.delay().toMillis());
        n.put("deliveredProbability", statuses.deliveredProbability());
        n.put("readProbability", statuses.readProbability());
        n.put("duplicateProbability", statuses.duplicateProbability());
        n.put("reorderProbability", statuses.reorderProbability());
        n.put("seed", s.seed());
        n.put("webhookMaxAttempts", s.webhooks().maxAttempts());
        n.put("webhookRetryBackoffMillis", s.webhooks().retryBackoff().toMillis());
        n.put("webhookTimeoutMillis", s.webhooks().timeout().toMillis());
        n.put("maxRecordedMessages", s.maxRecordedMessages());
        return n;
    }
}
