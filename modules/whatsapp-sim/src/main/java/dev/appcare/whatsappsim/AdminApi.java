package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The simulator's own HTTP API under {@code /_sim} (not part of the Cloud API), JSON in and out. This class
 * answers health and reset and puts up the other parts, one concern each: what was seen
 * ({@link AdminRecordsApi}), failure injection ({@link AdminFaultsApi}), run-time settings and templates
 * ({@link AdminConfigApi}), calls towards the webhook receiver ({@link AdminInboundApi}).
 */
final class AdminApi {

    private final WhatsAppSimulator sim;
    private final AdminJson json;

    AdminApi(WhatsAppSimulator sim, ObjectMapper mapper) {
        this.sim = sim;
        this.json = new AdminJson(mapper);
    }

    void register(Javalin app) {
        app.get("/_sim/health", json.guarded(this::health));
        app.get("/health", json.guarded(this::health));
        app.post("/_sim/reset", json.guarded(ctx -> {
            sim.reset();
            json.write(ctx, 200, json.object().put("reset", true));
        }));
        new AdminRecordsApi(sim, json).register(app);
        new AdminFaultsApi(sim.faults(), json).register(app);
        new AdminConfigApi(sim, json).register(app);
        new AdminInboundApi(sim, json).register(app);
    }

    /** Up or down, the port, and how many send requests are held back right now (latency or an injected hang). */
    private void health(Context ctx) {
        ObjectNode n = json.object();
        n.put("status", sim.isRunning() ? "UP" : "DOWN");
        n.put("port", sim.port());
        n.put("heldRequests", sim.heldRequests());
        json.write(ctx, 200, n);
    }
}
