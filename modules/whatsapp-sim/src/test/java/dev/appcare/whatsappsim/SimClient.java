package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A plain JDK HttpClient talking to the simulator like a sender would, plus body builders. */
final class SimClient implements AutoCloseable {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String PHONE_ID = "106540352242922";

    record Response(int status, JsonNode json, HttpResponse<String> raw) {
        int errorCode() {
            return json.path("error").path("code").asInt(-1);
        }

        String wamid() {
            return json.path("messages").path(0).path("id").asText(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;
    private final String token;
    private final String phoneId;

    SimClient(WhatsAppSimulator sim) {
        this(sim.baseUrl(), sim.settings().account().accessToken());
    }

    SimClient(String baseUrl, String token) {
        this(baseUrl, token, PHONE_ID);
    }

    /** Sends from another business number. */
    SimClient(WhatsAppSimulator sim, String phoneId) {
        this(sim.baseUrl(), sim.settings().account().accessToken(), phoneId);
    }

    private SimClient(String baseUrl, String token, String phoneId) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.phoneId = phoneId;
    }

    HttpRequest.Builder sendRequest(String body, String bearer, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/v21.0/" + phoneId + "/messages"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    Response send(String body) {
        return send(body, token);
    }

    Response send(String body, String bearer) {
        return execute(sendRequest(body, bearer, Duration.ofSeconds(10)).build());
    }

    CompletableFuture<Response> sendAsync(String body) {
        return client.sendAsync(sendRequest(body, token, Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(SimClient::toResponse);
    }

    Response get(String path) {
        return execute(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    Response post(String path, String json) {
        return execute(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Response put(String path, String json) {
        return execute(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Response execute(HttpRequest request) {
        try {
            return toResponse(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient http() {
        return client;
    }

    String baseUrl() {
        return baseUrl;
    }

    private static Response toResponse(HttpResponse<String> r) {
        try {
            JsonNode json = r.body() == null || r.body().isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
            return new Response(r.statusCode(), json, r);
        } catch (IOException e) {
            throw new AssertionError("Not JSON (HTTP " + r.statusCode() + "): " + r.body(), e);
        }
    }

    // ------------------------------------------------------------------ bodies

    /** A template send with text body parameters (and optional document header). */
    static ObjectNode template(String to, String name, String language, List<String> bodyParams) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("messaging_product", "whatsapp");
        root.put("recipient_type", "individual");
        root.put("to", to);
        root.put("type", "template");
        ObjectNode t = root.putObject("template");
        t.put("name", name);
        t.putObject("language").put("code", language);
        ArrayNode components = t.putArray("components");
        ObjectNode body = components.addObject();
        body.put("type", "body");
        ArrayNode params = body.putArray("parameters");
        for (String p : bodyParams) {
            ObjectNode param = params.addObject();
            param.put("type", "text");
            param.put("text", p);
        }
        return root;
    }

    static ObjectNode withDocument(ObjectNode send, String link, String filename) {
        ArrayNode components = (ArrayNode) send.path("template").path("components");
        ObjectNode header = components.insertObject(0);
        header.put("type", "header");
        ObjectNode p = header.putArray("parameters").addObject();
        p.put("type", "document");
        ObjectNode doc = p.putObject("document");
        doc.put("link", link);
        doc.put("filename", filename);
        return send;
    }

    static ObjectNode gateChange(String to) {
        return template(to, "gate_change", "nl", List.of("Anna", "KL1234", "D7", "10:05"));
    }

    static ObjectNode boardingPass(String to) {
        return withDocument(template(to, "boarding_pass", "en_GB", List.of("Anna", "KL1234", "14C", "09:35")),
                "https://example.com/passes/ABC123.pdf", "boarding-pass-KL1234.pdf");
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
