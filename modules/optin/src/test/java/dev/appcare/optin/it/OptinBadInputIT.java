package dev.appcare.optin.it;

import static dev.appcare.optin.it.OptinFixture.READER_KEY;
import static dev.appcare.optin.it.OptinFixture.WRITER_KEY;
import static dev.appcare.optin.it.OptinFixture.request;
import static dev.appcare.optin.it.OptinFixture.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appcare.optin.OptinApp;
import dev.appcare.optin.it.OptinFixture.Response;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every kind of bad request gets a clear 4xx problem naming the field at fault, and writes nothing:
 * after each test both topics' end offsets are still 0 (not even an aborted transaction reached them).
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OptinBadInputIT {
    private static final String PATH = resource("ABC123", "1");
    private OptinFixture fixture;
    private OptinApp app;

    @BeforeAll
    void start(RealInfrastructure infra) {
        fixture = new OptinFixture(infra);
        app = fixture.startApp();
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    @AfterEach
    void shouldHaveWrittenNothing() {
        assertThat(fixture.endOffsetSum(fixture.preferenceTopic)).as("records on the preference topic").isZero();
        assertThat(fixture.endOffsetSum(fixture.requestTopic)).as("records on the request topic").isZero();
        assertThat(app.stateSnapshot()).isEmpty();
    }

    private static String body(String phone, String locale, String kinds, String consent) {
        return """
                {"phone": %s, "locale": %s, "kinds": %s%s}
                """.formatted(phone, locale, kinds, consent == null ? "" : ", \"consent\": " + consent);
    }

    private static String consent() {
        return "{\"givenAt\": \"" + Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS)
                + "\", \"channel\": \"booking-web\", \"textVersion\": \"v3\"}";
    }

    private static void assertProblem(Response response, int status, String type, String... fields) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asText()).isEqualTo("urn:appcare:problem:" + type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.appcare");
        if (fields.length > 0) {
            assertThat(response.invalidParams()).containsExactlyInAnyOrder(fields);
            problem.path("invalid-params").forEach(p -> assertThat(p.path("reason").asText()).isNotBlank());
        }
    }

    @Test
    void shouldRejectAnInvalidPhoneNumber() {
        Response response = fixture.put(app, PATH, WRITER_KEY, body("\"+31 6 123\"", "\"nl\"", "[\"DELAY\"]", consent()));

        assertProblem(response, 400, "validation-failed", "phone");
        assertThat(response.json().path("invalid-params").get(0).path("reason").asText()).contains("not a valid number");
    }

    @Test
    void shouldRejectAFixedLineNumber() {
        Response response = fixture.put(app, PATH, WRITER_KEY, body("\"020 123 4567\", \"region\": \"NL\"", "\"nl\"", "[\"DELAY\"]", consent()));

        assertProblem(response, 400, "validation-failed", "phone");
        assertThat(response.json().path("invalid-params").get(0).path("reason").asText()).contains("mobile");
    }

    @Test
    void shouldRejectAnUnknownLocale() {
        assertProblem(fixture.put(app, PATH, WRITER_KEY, body("\"+31612345678\"", "\"tlh\"", "[\"DELAY\"]", consent())),
                400, "validation-failed", "locale");
    }

    @Test
    void shouldRejectAnUnknownKind() {
        assertProblem(fixture.put(app, PATH, WRITER_KEY, body("\"+31612345678\"", "\"nl\"", "[\"DELAY\", \"LOTTERY\"]", consent())),
                400, "validation-failed", "kinds[1]");
    }

    @Test
    void shouldRejectMissingConsent() {
        assertProblem(fixture.put(app, PATH, WRITER_KEY, body("\"+31612345678\"", "\"nl\"", "[\"DELAY\"]", null)),
                400, "validation-failed", "consent");
    }

    @Test
    void shouldNameEveryBadFieldAtOnce() {
        assertProblem(fixture.put(app, PATH, WRITER_KEY, body("\"+31 20 123 4567\"", "\"xx\"", "[]", "{\"channel\": \"web\"}")),
                400, "validation-failed", "phone", "locale", "kinds", "consent.givenAt", "consent.textVersion");
    }

    @Test
    void shouldRejectABadTravellerInThePath() {
        assertProblem(fixture.put(app, resource("A", "1"), WRITER_KEY, body("\"+31612345678\"", "\"nl\"", "[\"DELAY\"]", consent())),
                400, "validation-failed", "pnr");
    }

    @Test
    void shouldRejectAnOversizeBody() {
        String padding = "x".repeat(17 * 1024);
        Response response = fixture.put(app, PATH, WRITER_KEY,
                "{\"phone\": \"+31612345678\", \"locale\": \"nl\", \"kinds\": [\"DELAY\"], \"consent\": " + consent()
                        + ", \"padding\": \"" + padding + "\"}");

        assertProblem(response, 413, "body-too-large", "(body)");
    }

    @Test
    void shouldRejectAnOversizeBodyWithoutContentLength() {
        byte[] big = ("{\"padding\": \"" + "x".repeat(40 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        Response response = fixture.send(request(app, PATH).header("Authorization", "Bearer " + WRITER_KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());

        assertProblem(response, 413, "body-too-large", "(body)");
    }

    @Test
    void shouldRejectBadJson() {
        Response response = fixture.put(app, PATH, WRITER_KEY, "{\"phone\": \"+31612345678\", \"locale\": ");

        assertProblem(response, 400, "malformed-json", "(body)");
        assertThat(response.json().path("detail").asText()).contains("line 1");
    }

    @Test
    void shouldRejectDuplicateFields() {
        assertProblem(fixture.put(app, PATH, WRITER_KEY, "{\"phone\": \"+31612345678\", \"phone\": \"+31687654321\"}"),
                400, "malformed-json", "(body)");
    }

    @Test
    void shouldRejectABodyThatIsNotJson() {
        Response response = fixture.send(request(app, PATH).header("Authorization", "Bearer " + WRITER_KEY)
                .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("phone=+31612345678")).build());

        assertProblem(response, 415, "unsupported-media-type", "Content-Type");
    }

    @Test
    void shouldRejectMissingCredentials() {
        Response response = fixture.send(request(app, PATH).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body("\"+31612345678\"", "\"nl\"", "[\"DELAY\"]", consent()))).build());

        assertProblem(response, 401, "unauthorized", "Authorization");
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"appcare-optin\"");
    }

    @Test
    void shouldRejectAWrongKey() {
        Response response = fixture.put(app, PATH, WRITER_KEY + "x", body("\"+31612345678\"", "\"nl\"", "[\"DELAY\"]", consent()));

        assertProblem(response, 401, "unauthorized", "Authorization");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void shouldRejectAKeyInTheWrongScheme() {
        Response response = fixture.send(request(app, PATH).header("Authorization", "Basic " + WRITER_KEY).GET().build());

        assertProblem(response, 401, "unauthorized", "Authorization");
    }

    @Test
    void shouldRejectAWrongKeyInTheApiKeyHeader() {
        Response response = fixture.send(request(app, PATH).header("X-API-Key", "guess").GET().build());

        assertProblem(response, 401, "unauthorized", "X-API-Key");
    }

    @Test
    void shouldAcceptTheApiKeyHeaderToo() {
        Response response = fixture.send(request(app, PATH).header("X-API-Key", READER_KEY).GET().build());

        assertProblem(response, 404, "not-found");
    }

    @Test
    void shouldForbidWritesWithAReadOnlyKey() {
        Response response = fixture.put(app, PATH, READER_KEY, body("\"+31612345678\"", "\"nl\"", "[\"DELAY\"]", consent()));

        assertProblem(response, 403, "forbidden");
        assertThat(response.json().path("detail").asText()).contains("'support'").contains("'write'");
        assertProblem(fixture.post(app, PATH + "/opt-out", READER_KEY), 403, "forbidden");
        assertProblem(fixture.delete(app, PATH, READER_KEY), 403, "forbidden");
    }

    @Test
    void shouldAnswerUnknownRoutesAndMethodsWithProblems() {
        assertProblem(fixture.get(app, "/v1/nothing-here", WRITER_KEY), 404, "not-found");
        assertProblem(fixture.send(request(app, PATH).header("Authorization", "Bearer " + WRITER_KEY)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build()), 405, "method-not-allowed");
    }

    @Test
    void shouldServeHealthAndMetricsOnTheManagementPortOnlyAndTheOpenApiDescriptionWithoutCredentials() throws Exception {
        assertThat(app.managementPort()).isNotEqualTo(app.port());
        Response health = fixture.send(management("/health"));
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        assertThat(health.json().path("checks").path("preferenceTable").path("status").asText()).isEqualTo("UP");
        assertThat(health.json().path("checks").path("writer").path("status").asText()).isEqualTo("UP");
        assertThat(health.json().path("checks").path("http").path("status").asText()).isEqualTo("UP");

        fixture.get(app, PATH, READER_KEY);
        fixture.get(app, PATH, "not-a-key");
        Response metrics = fixture.send(management("/metrics"));
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("appcare_optin_http_requests_seconds_count{method=\"GET\",operation=\"read\",outcome=\"client_error\",status=\"404\"}")
                .contains("appcare_optin_auth_failures_total").contains("appcare_optin_view_ready 1.0");

        // The public port serves the API and its description, nothing about the service's insides.
        assertProblem(fixture.send(request(app, "/metrics").GET().build()), 404, "not-found");
        assertProblem(fixture.send(request(app, "/health").GET().build()), 404, "not-found");
        assertProblem(fixture.get(app, "/metrics", WRITER_KEY), 404, "not-found");

        Response openApi = fixture.send(request(app, "/openapi.yaml").GET().build());
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.body()).startsWith("openapi: 3.1.0").contains("/v1/travellers/{pnr}/{passengerId}/whatsapp");
    }

    private java.net.http.HttpRequest management(String path) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + app.managementPort() + path))
                .timeout(java.time.Duration.ofSeconds(30)).GET().build();
    }
}
