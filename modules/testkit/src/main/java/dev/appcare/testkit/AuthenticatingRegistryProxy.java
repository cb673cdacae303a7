package dev.appcare.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A schema registry that enforces HTTP basic auth ({@link #start}) or a bearer token ({@link #startBearer}):
 * an authenticating reverse proxy on 127.0.0.1 in front of the test kit's {@link ApicurioRegistry}.
 * Requests with exactly the expected {@code Authorization} header ({@code Basic base64(user:password)}, or
 * {@code Bearer <token>}) are forwarded unchanged (method, path, query, body, content type); any other
 * request — none, the wrong credentials, or the other scheme — gets 401 with a {@code WWW-Authenticate}
 * challenge of the enforced scheme and a Confluent-style error body, and never reaches the registry.
 *
 * <p>Why a proxy: Apicurio Registry 3 authenticates only through an OpenID Connect provider (Keycloak,
 * Entra ID). Its "basic auth" is the client-credentials variant: the registry takes the basic
 * credentials to the provider's token endpoint. Enforcing basic auth with Apicurio alone is therefore not
 * possible without running an identity provider, which is far more than a test needs. A production
 * deployment that puts basic auth in front of a registry (an ingress or API gateway) looks to AppCare's
 * clients exactly like this: the same headers, the same 401. The JDK's HTTP server and client suffice for
 * a pass-through of a handful of small JSON requests, so no proxy library is added.
 *
 * <p>With {@link TlsMaterial} ({@link #startHttps}, {@link #startBearerHttps}) the proxy speaks only HTTPS,
 * presenting the material's certificate for 127.0.0.1: a client reaches it only with the trust store
 * ({@code schema.registry.ssl.truststore.*}).
 */
public final class AuthenticatingRegistryProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "authorization", "upgrade", "keep-alive", "expect");

    private final ApicurioRegistry upstream;
    private final byte[] expected;
    private final String scheme;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "registry-auth-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();

    private AuthenticatingRegistryProxy(ApicurioRegistry upstream, String scheme, String credentials, TlsMaterial tls) {
        this.upstream = upstream;
        this.scheme = scheme;
        this.expected = (scheme + " " + credentials).getBytes(StandardCharsets.UTF_8);
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (tls == null) {
                server = HttpServer.create(address, 0);
            } else {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
                server = https;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the registry proxy", e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    /** Starts a proxy in front of {@code upstream} that lets through only {@code user:password}. */
    public static AuthenticatingRegistryProxy start(ApicurioRegistry upstream, String user, String password) {
        return startHttps(upstream, null, user, password);
    }

    /** As {@link #start}, over HTTPS with {@code tls}'s certificate (plain HTTP when {@code tls} is null). */
    public static AuthenticatingRegistryProxy startHttps(ApicurioRegistry upstream, TlsMaterial tls, String user,
                                                         String password) {
        return started(new AuthenticatingRegistryProxy(upstream, "Basic",
                Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)), tls));
    }

    /** Starts a proxy in front of {@code upstream} that lets through only {@code Authorization: Bearer <token>}. */
    public static AuthenticatingRegistryProxy startBearer(ApicurioRegistry upstream, String token) {
        return startBearerHttps(upstream, null, token);
    }

    /** As {@link #startBearer}, over HTTPS with {@code tls}'s certificate (plain HTTP when {@code tls} is null). */
    public static AuthenticatingRegistryProxy startBearerHttps(ApicurioRegistry upstream, TlsMaterial tls, String token) {
        if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a bearer token is one non-blank word");
        }
        return started(new AuthenticatingRegistryProxy(upstream, "Bearer", token, tls));
    }

    private static AuthenticatingRegistryProxy started(AuthenticatingRegistryProxy proxy) {
        proxy.server.start();
        return proxy;
    }

    /** The Confluent-API base URL behind the proxy, e.g. {@code http://127.0.0.1:40125/apis/ccompat/v7} ({@code https} with TLS). */
    public String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
    }

    /** Requests answered 401 (no or wrong credentials). */
    public long refused() {
        return refused.get();
    }

    /** Requests passed on to the registry. */
    public long forwarded() {
        return forwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String presented = exchange.getRequestHeaders().getFirst("Authorization");
            // Constant-time comparison, as a real gateway would do it.
            if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected)) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().set("WWW-Authenticate", scheme + " realm=\"appcare-registry\"");
                respond(exchange, 401, "application/vnd.schemaregistry.v1+json", ("{\"error_code\":401,\"message\":\"Unauthorized: "
                        + scheme.toLowerCase(java.util.Locale.ROOT) + " credentials required\"}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            URI target = URI.create(upstream.baseUrl() + exchange.getRequestURI().toString());
            HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 503, "text/plain", "interrupted".getBytes(StandardCharsets.UTF_8));
                return;
            }
            forwarded.incrementAndGet();
            List<String> type = answer.headers().allValues("Content-Type");
            respond(exchange, answer.statusCode(), type.isEmpty() ? "application/json" : type.get(0), answer.body());
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        client.close();
    }

    @Override
    public String toString() {
        return "AuthenticatingRegistryProxy[" + scheme + ", " + url() + " -> " + upstream.url() + "]";
    }
}
