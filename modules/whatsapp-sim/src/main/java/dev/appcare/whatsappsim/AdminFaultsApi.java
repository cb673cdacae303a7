package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * The admin API's failure injection ({@code /_sim/faults}): lists the active fault rules, adds one from
 * JSON, removes one or all. The rules themselves live in {@link FaultInjector}.
 */
final class AdminFaultsApi {

    private final FaultInjector faults;
    private final AdminJson json;

    AdminFaultsApi(FaultInjector faults, AdminJson json) {
        this.faults = faults;
        this.json = json;
    }

    void register(Javalin app) {
        app.get("/_sim/faults", json.guarded(this::list));
        app.post("/_sim/faults", json.guarded(this::add));
        app.delete("/_sim/faults", json.guarded(ctx -> {
            faults.clear();
            json.write(ctx, 200, json.object().put("cleared", true));
        }));
        app.delete("/_sim/faults/{id}", json.guarded(ctx -> {
            boolean removed = faults.remove(Long.parseLong(ctx.pathParam("id")));
            json.write(ctx, removed ? 200 : 404, json.object().put("removed", removed));
        }));
    }

    private void list(Context ctx) {
        ObjectNode root = json.object();
        ArrayNode arr = root.putArray("faults");
        for (FaultInjector.Rule r : faults.active()) {
            fill(r, arr.addObject());
        }
        root.put("injectedSoFar", faults.injectedCount());
        json.write(ctx, 200, root);
    }

    /**
     * {@code {"match":"next","count":3,"action":"error","code":131000,"httpStatus":500}}; match is next |
     * fraction (with "fraction") | recipient (with "to", optional "count") | always; action is error (code,
     * optional httpStatus) | hang / hang-then-accept (holdMillis) | async-failure (code).
     */
    private void add(Context ctx) throws IOException {
        JsonNode req = json.body(ctx);
        Fault fault = faultOf(req);
        String match = req.path("match").asText("next");
        FaultInjector.Rule rule = switch (match) {
            case "next" -> faults.nextRequests(req.path("count").asInt(1), fault);
            case "fraction" -> faults.fractionOfRequests(AdminJson.requireDouble(req, "fraction"), fault);
            case "always", "all" -> faults.allRequests(fault);
            case "recipient" -> {
                String to = req.path("to").asText(null);
                if (to == null) {
                    throw new IllegalArgumentException("match recipient needs \"to\"");
                }
                yield req.has("count") ? faults.forRecipient(to, req.get("count").asInt(), fault)
                        : faults.forRecipient(to, fault);
            }
            default -> throw new IllegalArgumentException("match must be next, fraction, recipient or always");
        };
        ObjectNode n = json.object();
        fill(rule, n);
        json.write(ctx, 201, n);
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

    private static void fill(FaultInjector.Rule r, ObjectNode n) {
        n.put("id", r.id());
        n.put("match", r.match().name().toLowerCase(Locale.ROOT));
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
    }
}
