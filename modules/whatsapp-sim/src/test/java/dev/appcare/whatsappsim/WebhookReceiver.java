package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP webhook endpoint on loopback (JDK HttpServer) that keeps every POST's raw body and signature
 * header, checks the signature with its own HMAC code (not the simulator's signer), and can be told to
 * answer 500 to the first N posts.
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(byte[] rawBody, String signatureHeader, boolean signatureValid, JsonNode json) {
        String body() {
            return new String(rawBody, StandardCharsets.UTF_8);
        }

        /** value of entry[0].changes[0] */
        JsonNode value() {
            return json.path("entry").path(0).path("changes").path(0).path("value");
        }

        JsonNode status() {
            return value().path("statuses").path(0);
        }

        boolean isStatus() {
            return value().has("statuses");
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final String appSecret;
    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();
    private final String verifyToken = "verify-me";

    WebhookReceiver(String appSecret) {
        this.appSecret = appSecret;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/webhook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if ("GET".equals(exchange.getRequestMethod())) { // Meta's subscription handshake
                java.util.Map<String, String> q = new java.util.HashMap<>();
                for (String kv : exchange.getRequestURI().getRawQuery().split("&")) {
                    String[] p = kv.split("=", 2);
                    q.put(java.net.URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8));
                }
                boolean ok = "subscribe".equals(q.get("hub.mode")) && verifyToken.equals(q.get("hub.verify_token"));
                byte[] answer = (ok ? q.get("hub.challenge") : "forbidden").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(ok ? 200 : 403, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
                return;
            }
            posts.incrementAndGet();
            int status;
            if (failFirst.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 500;
            } else {
                String sig = exchange.getRequestHeaders().getFirst("X-Hub-Signature-256");
                Received r = new Received(body, sig, verify(sig, body), MAPPER.readTree(body));
                synchronized (received) {
                    received.add(r);
                    received.notifyAll();
                }
                status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Independent check: sha256= + hex(HMAC-SHA256(secret, raw body)), constant-time compare. */
    private boolean verify(String header, byte[] body) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal(body);
            byte[] given = HexFormat.of().parseHex(header.substring("sha256=".length()));
            return MessageDigest.isEqual(expected, given);
        } catch (Exception e) {
            return false;
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhook");
    }

    void failFirst(int n) {
        failFirst.set(n);
    }

    /** All POST attempts, including the ones answered 500. */
    int posts() {
        return posts.get();
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until at least n accepted posts match, or fails after the timeout. */
    List<Received> await(int n, Predicate<Received> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                List<Received> matching = received.stream().filter(filter).toList();
                if (matching.size() >= n) {
                    return matching;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + n + " webhooks, got " + matching.size() + ": " + received);
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    List<Received> await(int n, Duration timeout) throws InterruptedException {
        return await(n, r -> true, timeout);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
