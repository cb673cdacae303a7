package dev.appcare.sender.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The WhatsApp webhook endpoint (rule S5), on Javalin, bound to {@code sender.webhook.host} (default
 * 127.0.0.1: put a TLS-terminating proxy in front of it for Meta).
 *
 * <ul>
 *   <li>{@code GET {path}?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C}: answers {@code C} when
 *       {@code T} is the configured verify token, 403 otherwise (Meta's subscription handshake).</li>
 *   <li>{@code POST {path}}: 413 when the body is larger than the limit; 401 unless
 *       {@code X-Hub-Signature-256} is the HMAC of the exact body with the app secret; 400 for a body that
 *       is not JSON; otherwise processed ({@link WebhookProcessor}) and 200 once its records are written
 *       (500 if they cannot be, so Meta retries).</li>
 * </ul>
 */
public final class WebhookServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Javalin app;
    private final SignatureVerifier verifier;
    private final byte[] verifyToken;
    private final WebhookProcessor processor;
    private final int maxBodyBytes;
    private final Consumer<String> events;

    public WebhookServer(String host, int port, String path, int maxBodyBytes, SignatureVerifier verifier,
                         String verifyToken, WebhookProcessor processor, Consumer<String> events) {
        this.verifier = verifier;
        this.verifyToken = verifyToken.getBytes(StandardCharsets.UTF_8);
        this.processor = processor;
        this.maxBodyBytes = maxBodyBytes;
        this.events = events;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.useVirtualThreads = true;
            config.http.maxRequestSize = maxBodyBytes;
            config.jetty.defaultHost = host;
            config.jetty.defaultPort = port;
        });
        app.get(path, this::handshake);
        app.post(path, this::receive);
    }

    public WebhookServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    private void handshake(Context ctx) {
        String mode = ctx.queryParam("hub.mode");
        String token = ctx.queryParam("hub.verify_token");
        String challenge = ctx.queryParam("hub.challenge");
        boolean tokenMatches = token != null
                && MessageDigest.isEqual(verifyToken, token.getBytes(StandardCharsets.UTF_8));
        if ("subscribe".equals(mode) && tokenMatches && challenge != null) {
            events.accept("handshake");
            ctx.contentType("text/plain").result(challenge);
        } else {
            events.accept("handshake-refused");
            ctx.status(403).result("verification failed");
        }
    }

    private void receive(Context ctx) throws Exception {
        byte[] body = readLimited(ctx);
        if (body == null) {
            events.accept("rejected-too-large");
            ctx.status(413).result("body larger than " + maxBodyBytes + " bytes");
            return;
        }
        if (!verifier.verify(body, ctx.header(SignatureVerifier.HEADER))) {
            events.accept("rejected-signature");
            ctx.status(401).result("invalid or missing " + SignatureVerifier.HEADER);
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            events.accept("rejected-not-json");
            ctx.status(400).result("body is not a JSON object");
            return;
        }
        try {
            processor.process(root).get(20, TimeUnit.SECONDS);
            ctx.result("EVENT_RECEIVED");
        } catch (Exception e) {
            events.accept("failed");
            ctx.status(500).result("could not record the events; please retry");
        }
    }

    /**
     * The raw body, or null when it exceeds the limit. Javalin's own {@code maxRequestSize} only checks the
     * Content-Length header; a chunked body has none, so the stream itself is read with a cap here.
     */
    private byte[] readLimited(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            return null;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 4096);
            byte[] buffer = new byte[8192];
            int total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > maxBodyBytes) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
