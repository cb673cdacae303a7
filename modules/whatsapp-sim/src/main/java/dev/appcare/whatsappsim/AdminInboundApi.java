package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.Locale;

/**
 * The admin API's calls towards the webhook receiver: a user writes to the business number
 * ({@code POST /_sim/inbound}: text, button reply or media) and Meta checks a callback URL
 * ({@code POST /_sim/webhook-verification}).
 */
final class AdminInboundApi {

    private final WhatsAppSimulator sim;
    private final AdminJson json;

    AdminInboundApi(WhatsAppSimulator sim, AdminJson json) {
        this.sim = sim;
        this.json = json;
    }

    void register(Javalin app) {
        app.post("/_sim/inbound", json.guarded(this::inbound));
        app.post("/_sim/webhook-verification", json.guarded(this::verify));
    }

    private void inbound(Context ctx) throws IOException {
        JsonNode req = json.body(ctx);
        String from = AdminJson.requireText(req, "from");
        ObjectNode answer = json.object();
        if (req.has("button")) {
            JsonNode button = req.get("button");
            answer.put("id", sim.simulateButtonReply(from, button.path("text").asText(),
                    button.path("payload").asText(null), req.path("context").asText(null)));
        } else if (req.has("media")) {
            JsonNode media = req.get("media");
            WhatsAppSimulator.InboundMediaMessage sent = sim.simulateInboundMedia(from, mediaType(media),
                    media.path("mimeType").asText("application/octet-stream"), media.path("caption").asText(null),
                    media.path("filename").asText(null));
            answer.put("id", sent.wamid()).put("mediaId", sent.mediaId());
        } else {
            String text = req.path("text").asText(null);
            if (text == null) {
                throw new IllegalArgumentException("\"text\" (or \"button\" or \"media\") is required");
            }
            answer.put("id", sim.simulateInboundText(from, text, req.path("name").asText("WhatsApp User"),
                    req.path("phoneNumberId").asText(null)));
        }
        json.write(ctx, 201, answer);
    }

    private static WhatsAppSimulator.InboundMedia mediaType(JsonNode media) {
        try {
            return WhatsAppSimulator.InboundMedia.valueOf(media.path("type").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"media.type\" must be image, video, document or audio");
        }
    }

    private void verify(Context ctx) throws IOException {
        String token = AdminJson.requireText(json.body(ctx), "verifyToken");
        WhatsAppSimulator.VerificationResult r = sim.verifyWebhookSubscription(token);
        ObjectNode n = json.object();
        n.put("verified", r.verified());
        n.put("httpStatus", r.httpStatus());
        n.put("challenge", r.challenge());
        n.put("answer", r.answer());
        json.write(ctx, 200, n);
    }
}
