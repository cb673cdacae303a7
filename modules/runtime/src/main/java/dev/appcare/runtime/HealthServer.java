package dev.appcare.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations endpoint every role serves: {@code GET /health} (200 UP or 503 DOWN with the failing
 * checks, as JSON) and {@code GET /metrics} (Prometheus text). Uses the JDK's built-in HTTP server: two
 * tiny read-only endpoints do not justify a web framework in every role.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final PrometheusMeterRegistry metrics;
    private final Map<String, Supplier<Health>> checks = new LinkedHashMap<>();

    /** A check's answer: up or not, and a short reason shown to operators. */
    public record Health(boolean up, String detail) {
        public static Health up(String detail) {
            return new Health(true, detail);
        }

        public static Health down(String detail) {
            return new Health(false, detail);
        }
    }

    public HealthServer(String host, int port, PrometheusMeterRegistry metrics) {
        this.metrics = metrics;
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the health endpoint to " + host + ":" + port, e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
    }

    public static PrometheusMeterRegistry newMeterRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public synchronized HealthServer check(String name, Supplier<Health> check) {
        checks.put(name, check);
        return this;
    }

    public HealthServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Runs all checks; up only if every one is. */
    public synchronized Map<String, Health> evaluate() {
        Map<String, Health> results = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            try {
                results.put(name, check.get());
            } catch (RuntimeException e) {
                results.put(name, Health.down(e.toString()));
            }
        });
        return results;
    }

    private void health(HttpExchange exchange) throws IOException {
        Map<String, Health> results = evaluate();
        boolean up = results.values().stream().allMatch(Health::up);
        StringBuilder json = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append("\",\"checks\":{");
        String separator = "";
        for (Map.Entry<String, Health> entry : results.entrySet()) {
            json.append(separator).append('"').append(escape(entry.getKey())).append("\":{\"status\":\"")
                    .append(entry.getValue().up() ? "UP" : "DOWN").append("\",\"detail\":\"")
                    .append(escape(entry.getValue().detail())).append("\"}");
            separator = ",";
        }
        json.append("}}");
        respond(exchange, up ? 200 : 503, "application/json", json.toString());
    }

    private void metrics(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
