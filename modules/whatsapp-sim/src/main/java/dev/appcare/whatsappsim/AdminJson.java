package dev.appcare.whatsappsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.io.IOException;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The JSON plumbing of the admin API ({@code /_sim}): reads request bodies and parameters, writes JSON
 * answers, and turns bad input into a 400 with the reason. The admin routes share it; none writes JSON itself.
 */
final class AdminJson {

    private final ObjectMapper mapper;

    AdminJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** The handler, with bad input (a wrong value, a wrong state, broken JSON) answered 400. */
    Handler guarded(Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (IllegalArgumentException | IllegalStateException | JsonProcessingException e) {
                write(ctx, 400, object().put("error", e.getMessage()));
            }
        };
    }

    void write(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json; charset=UTF-8").result(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"count": n, "<name>": [...]}} of the last {@code ?limit} (default 1000) items. */
    <T> void writeList(Context ctx, String name, List<T> items, BiConsumer<T, ObjectNode> toJson) {
        int limit = intParam(ctx, "limit", 1000);
        List<T> last = items.size() > limit ? items.subList(items.size() - limit, items.size()) : items;
        ObjectNode root = object();
        root.put("count", last.size());
        ArrayNode arr = root.putArray(name);
        last.forEach(item -> toJson.accept(item, arr.addObject()));
        write(ctx, 200, root);
    }

    /** The request body as a JSON object; an empty body is an empty object. */
    JsonNode body(Context ctx) throws IOException {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            return object();
        }
        JsonNode n = mapper.readTree(bytes);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("Expected a JSON object");
        }
        return n;
    }

    /** The JSON text as a tree, or as a string node when it is not JSON. */
    JsonNode treeOrText(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }

    static String requireText(JsonNode req, String field) {
        String value = req.path(field).asText(null);
        if (value == null) {
            throw new IllegalArgumentException("\"" + field + "\" is required");
        }
        return value;
    }

    static double requireDouble(JsonNode req, String field) {
        if (!req.has(field)) {
            throw new IllegalArgumentException("\"" + field + "\" is required");
        }
        return req.get(field).asDouble();
    }

    private static int intParam(Context ctx, String name, int dflt) {
        String v = ctx.queryParam(name);
        return v == null ? dflt : Integer.parseInt(v);
    }
}
