package dev.appcare.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.testkit.TlsMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the client handles answers a real registry rarely gives on demand (auth failures, 5xx, a hang).
 * A tiny scripted HTTP server on 127.0.0.1 plays the registry; the happy paths and 409 are covered
 * against the real Apicurio registry in the integration tests.
 */
class HttpSchemaRegistryClientTest {
    private HttpServer server;
    private final AtomicReference<Reply> reply = new AtomicReference<>(new Reply(200, "{\"id\":7}", 0));
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    record Reply(int status, String body, long delayMillis) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve(server);
        server.start();
    }

    private void serve(HttpServer server) {
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Reply r = reply.get();
            try {
                Thread.sleep(r.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(r.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpSchemaRegistryClient client(String basic, String bearer, Duration timeout) {
        return new HttpSchemaRegistryClient(new RegistryClientConfig(
                java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort()), basic, bearer, timeout));
    }

    @Test
    void shouldRegisterOnceAndServeTheIdFromCache() {
        HttpSchemaRegistryClient client = client(null, null, Duration.ofSeconds(5));
        assertThat(client.register("t-value", FlightStatusEvent.getClassSchema())).isEqualTo(7);
        assertThat(client.register("t-value", FlightStatusEvent.getClassSchema())).isEqualTo(7);
        assertThat(client.getById(7)).isEqualTo(FlightStatusEvent.getClassSchema());
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldSendBasicAuthOrBearerToken() {
        client("user:secret", null, Duration.ofSeconds(5)).register("a-value", FlightStatusEvent.getClassSchema());
        client(null, "tok3n", Duration.ofSeconds(5)).register("b-value", FlightStatusEvent.getClassSchema());
        assertThat(authorizations).containsExactly("Basic dXNlcjpzZWNyZXQ=", "Bearer tok3n");
    }

    @Test
    void shouldReportUnauthorizedClearly() {
        reply.set(new Reply(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}", 0));
        assertThatThrownBy(() -> client(null, null, Duration.ofSeconds(5)).register("x-value", FlightStatusEvent.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 401").contains("basic.auth.user.info");
                });
    }

    @Test
    void shouldMarkServerErrorsRetriable() {
        reply.set(new Reply(503, "<html>upstream down</html>", 0));
        assertThatThrownBy(() -> client(null, null, Duration.ofSeconds(5)).getById(3))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.isRetriable()).isTrue();
                    assertThat(e.getMessage()).contains("upstream down");
                });
    }

    @Test
    void shouldMapNotFoundWithTheConfluentErrorCode() {
        reply.set(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema 3 not found\"}", 0));
        assertThatThrownBy(() -> client(null, null, Duration.ofSeconds(5)).getById(3))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void shouldNameSubjectAndReasonWhenIncompatible() {
        reply.set(new Reply(409, "{\"error_code\":409,\"message\":\"READER_FIELD_MISSING_DEFAULT_VALUE: gate\"}", 0));
        assertThatThrownBy(() -> client(null, null, Duration.ofSeconds(5)).register("flight.status.v1-value",
                FlightStatusEvent.getClassSchema()))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.subject()).isEqualTo("flight.status.v1-value");
                    assertThat(e.reasons()).containsExactly("READER_FIELD_MISSING_DEFAULT_VALUE: gate");
                    assertThat(e.getMessage()).contains("flight.status.v1-value").contains("gate");
                });
    }

    @Test
    void shouldTimeOutInsteadOfHanging() {
        reply.set(new Reply(200, "{\"id\":1}", 3_000));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client(null, null, Duration.ofMillis(300)).register("slow-value",
                FlightStatusEvent.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isZero();
                    assertThat(e.isRetriable()).isTrue();
                    assertThat(e.getMessage()).contains("did not answer");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_900));
    }

    @Test
    void shouldReportAnUnreachableRegistry() {
        server.stop(0);
        assertThatThrownBy(() -> client(null, null, Duration.ofSeconds(2)).getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isRetriable()).isTrue();
                    assertThat(e.getMessage()).contains("unreachable");
                });
    }

    @Test
    void shouldNeverPrintCredentials() {
        RegistryClientConfig config = new RegistryClientConfig(java.net.URI.create("http://r"), "alice:s3cr3t", "t0k3n-xyz", Duration.ofSeconds(1));
        assertThat(config.toString()).doesNotContain("s3cr3t").doesNotContain("t0k3n-xyz").doesNotContain("alice");
    }

    @Test
    void shouldMarkTheTrustStorePasswordAndKeepItOutOfPrint() {
        RegistryClientConfig config = RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "https://r",
                RegistryClientConfig.TRUSTSTORE_LOCATION, "/etc/appcare/registry.p12",
                RegistryClientConfig.TRUSTSTORE_PASSWORD, "st0re-secret"));
        assertThat(config.trustStore()).isEqualTo(new RegistryClientConfig.TrustStore(
                java.nio.file.Path.of("/etc/appcare/registry.p12"), "st0re-secret", "PKCS12"));
        assertThat(config.toString()).contains("/etc/appcare/registry.p12").doesNotContain("st0re-secret");
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "https://r",
                RegistryClientConfig.TRUSTSTORE_PASSWORD, "st0re-secret")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(RegistryClientConfig.TRUSTSTORE_LOCATION);
    }

    @Test
    void shouldReachAnHttpsRegistryOnlyWithItsTrustStore() throws IOException {
        try (TlsMaterial tls = TlsMaterial.generate()) {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            serve(https);
            https.start();
            try {
                String url = "https://127.0.0.1:" + https.getAddress().getPort();
                Map<String, String> trusting = Map.of(RegistryClientConfig.URL, url,
                        RegistryClientConfig.TRUSTSTORE_LOCATION, tls.trustStore().toString(),
                        RegistryClientConfig.TRUSTSTORE_PASSWORD, tls.password(),
                        RegistryClientConfig.TRUSTSTORE_TYPE, TlsMaterial.STORE_TYPE);
                assertThat(new HttpSchemaRegistryClient(RegistryClientConfig.fromMap(trusting))
                        .register("tls-value", FlightStatusEvent.getClassSchema())).isEqualTo(7);
                assertThat(calls).hasValue(1);

                // The JVM's default trust store does not know the certificate: refused before any request.
                assertThatThrownBy(() -> new HttpSchemaRegistryClient(RegistryClientConfig.fromMap(
                        Map.of(RegistryClientConfig.URL, url))).register("tls-value", FlightStatusEvent.getClassSchema()))
                        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.getMessage())
                                .startsWith("Schema registry's TLS handshake failed (SSLHandshakeException")
                                .contains("check schema.registry.ssl.truststore.*"));
                assertThat(calls).as("no refused client got an answer").hasValue(1);

                assertThatThrownBy(() -> new HttpSchemaRegistryClient(RegistryClientConfig.fromMap(Map.of(
                        RegistryClientConfig.URL, url, RegistryClientConfig.TRUSTSTORE_LOCATION, tls.trustStore() + ".missing"))))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("Cannot read the schema registry's trust store " + tls.trustStore() + ".missing")
                        .hasMessageContaining(RegistryClientConfig.TRUSTSTORE_LOCATION);
            } finally {
                https.stop(0);
            }
        }
    }
}
