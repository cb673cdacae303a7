package dev.appcare.whatsappsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Graph API's answers (the send endpoint's success body, the error body with {@code fbtrace_id}) and
 * their delivery: at once, or held back on the scheduler without holding a request thread (Javalin async).
 */
final class GraphReplies {

    /** An answer: status, headers, JSON body, and how long to hold it back. */
    record Reply(int status, byte[] body, Map<String, String> headers, long delayNanos) {
        Reply delayed(long nanos) {
            return new Reply(status, body, headers, nanos);
        }
    }

    private final ObjectMapper mapper;
    private final ScheduledExecutorService scheduler;
    private final Set<PendingReply> pending = ConcurrentHashMap.newKeySet();

    GraphReplies(ObjectMapper mapper, ScheduledExecutorService scheduler) {
        this.mapper = mapper;
        this.scheduler = scheduler;
    }

    Reply accepted(SentMessage m, long delayNanos) {
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

    Reply error(GraphApiError e) {
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

    private Reply shuttingDown() {
        return error(GraphApiError.of(GraphErrors.API_SERVICE, 503, "The simulator is shutting down."));
    }

    /** Answers now, or later from the scheduler. */
    void respond(Context ctx, Reply reply) {
        if (reply.delayNanos() <= 0) {
            write(ctx, reply);
            return;
        }
        PendingReply p = new PendingReply(ctx);
        pending.add(p);
        ctx.future(() -> p.done);
        try {
            scheduler.schedule(() -> p.complete(reply), reply.delayNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            p.complete(shuttingDown());
        }
    }

    /** How many requests are held back right now, waiting for their answer. */
    int held() {
        return pending.size();
    }

    /** Answers every request still held back with 503 (on close). */
    void answerPendingWithShutdown() {
        for (PendingReply p : List.copyOf(pending)) {
            p.complete(shuttingDown());
        }
    }

    static void write(Context ctx, Reply reply) {
        ctx.status(reply.status());
        reply.headers().forEach(ctx::header);
        ctx.contentType("application/json; charset=UTF-8");
        ctx.result(reply.body());
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

    private final class PendingReply {
        final Context ctx;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicBoolean answered = new AtomicBoolean();

        PendingReply(Context ctx) {
            this.ctx = ctx;
        }

        void complete(Reply reply) {
            if (answered.compareAndSet(false, true)) {
                pending.remove(this);
                try {
                    write(ctx, reply);
                } finally {
                    done.complete(null);
                }
            }
        }
    }
}
