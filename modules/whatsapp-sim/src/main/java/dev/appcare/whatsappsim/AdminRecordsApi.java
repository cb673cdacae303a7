package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.List;

/**
 * The admin API's read side: what the simulator saw and did. Accepted messages ({@code /_sim/messages}),
 * refused requests ({@code /_sim/rejections}), webhook POSTs ({@code /_sim/webhooks}) and the counters
 * ({@code /_sim/stats}), as JSON.
 */
final class AdminRecordsApi {

    private final WhatsAppSimulator sim;
    private final AdminJson json;

    AdminRecordsApi(WhatsAppSimulator sim, AdminJson json) {
        this.sim = sim;
        this.json = json;
    }

    void register(Javalin app) {
        app.get("/_sim/messages", json.guarded(this::messages));
        app.get("/_sim/messages/{wamid}", json.guarded(ctx -> message(ctx, ctx.pathParam("wamid"))));
        app.get("/_sim/stats", json.guarded(this::stats));
        app.get("/_sim/rejections", json.guarded(this::rejections));
        app.get("/_sim/webhooks", json.guarded(this::webhooks));
    }

    private void messages(Context ctx) {
        String id = ctx.queryParam("id");
        if (id != null) { // wamids are base64 and may hold '/' and '+': easier as a query parameter
            message(ctx, id.replace(' ', '+'));
            return;
        }
        String to = ctx.queryParam("to");
        String template = ctx.queryParam("template");
        List<SentMessage> list = to != null ? sim.acceptedFor(to) : sim.accepted();
        if (template != null) {
            list = list.stream().filter(m -> template.equals(m.templateName())).toList();
        }
        json.writeList(ctx, "messages", list, AdminRecordsApi::fill);
    }

    private void message(Context ctx, String wamid) {
        sim.acceptedMessage(wamid).ifPresentOrElse(
                m -> {
                    ObjectNode n = json.object();
                    fill(m, n);
                    json.write(ctx, 200, n);
                },
                () -> json.write(ctx, 404, json.object().put("error", "no such message")));
    }

    private void stats(Context ctx) {
        SimulatorStats s = sim.stats();
        ObjectNode root = json.object();
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
        json.write(ctx, 200, root);
    }

    private void rejections(Context ctx) {
        String code = ctx.queryParam("code");
        String to = ctx.queryParam("to");
        List<SendRejection> list = sim.rejections().stream()
                .filter(r -> code == null || Integer.toString(r.code()).equals(code))
                .filter(r -> to == null || (r.to() != null && PhoneNumbers.digitsOnly(r.to())
                        .equals(PhoneNumbers.digitsOnly(to))))
                .toList();
        json.writeList(ctx, "rejections", list, (r, n) -> {
            n.put("at", r.at().toString());
            n.put("phoneNumberId", r.phoneNumberId());
            n.put("to", r.to());
            n.put("template", r.templateName());
            n.put("httpStatus", r.httpStatus());
            n.put("code", r.code());
            n.put("details", r.details());
            n.put("injected", r.injected());
        });
    }

    private void webhooks(Context ctx) {
        String id = ctx.queryParam("id");
        List<WebhookDelivery> list = sim.webhookDeliveries().stream()
                .filter(d -> id == null || id.equals(d.messageId()))
                .toList();
        json.writeList(ctx, "deliveries", list, (d, n) -> {
            n.put("kind", d.kind());
            n.put("id", d.messageId());
            n.put("status", d.status());
            n.put("attempts", d.attempts());
            n.put("lastHttpStatus", d.lastHttpStatus());
            n.put("delivered", d.delivered());
            n.put("duplicate", d.duplicate());
            n.put("finishedAt", d.finishedAt().toString());
            n.put("signature", d.signature());
            n.set("body", json.treeOrText(d.body()));
        });
    }

    private static void fill(SentMessage m, ObjectNode n) {
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
    }
}
