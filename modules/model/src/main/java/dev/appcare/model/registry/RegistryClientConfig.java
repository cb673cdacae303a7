package dev.appcare.model.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a schema registry. The config keys are the ones Confluent's serializers use, so an
 * existing client properties file works unchanged:
 * <ul>
 *   <li>{@code schema.registry.url}: base URL of the Confluent API, e.g. {@code http://127.0.0.1:8081} or
 *       Apicurio's {@code http://127.0.0.1:8080/apis/ccompat/v7}; {@code mock://scope} selects an
 *       in-memory registry shared by everything in this JVM using that scope (unit tests only);</li>
 *   <li>{@code basic.auth.user.info}: {@code user:password} for HTTP basic auth;</li>
 *   <li>{@code bearer.auth.token}: a bearer token (ignored when basic auth is set);</li>
 *   <li>{@code schema.registry.request.timeout.ms}: per-request timeout, default 10000.</li>
 * </ul>
 */
public record RegistryClientConfig(URI baseUrl, String basicAuthUserInfo, String bearerToken, Duration requestTimeout) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    public RegistryClientConfig {
        Objects.requireNonNull(baseUrl, "schema registry URL");
        Objects.requireNonNull(requestTimeout, "request timeout");
    }

    public static RegistryClientConfig of(String url) {
        return new RegistryClientConfig(URI.create(url), null, null, Duration.ofSeconds(10));
    }

    public static RegistryClientConfig fromMap(Map<String, ?> config) {
        Object url = config.get(URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("Missing '" + URL + "': the schema registry's base URL");
        }
        String first = url.toString().split(",")[0].trim();
        Object timeout = config.get(REQUEST_TIMEOUT_MS);
        return new RegistryClientConfig(
                URI.create(first),
                stringOrNull(config.get(BASIC_AUTH_USER_INFO)),
                stringOrNull(config.get(BEARER_AUTH_TOKEN)),
                Duration.ofMillis(timeout == null ? 10_000 : Long.parseLong(timeout.toString())));
    }

    public boolean isInMemory() {
        return "mock".equals(baseUrl.getScheme());
    }

    private static String stringOrNull(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    @Override
    public String toString() {
        // Never print credentials.
        return "RegistryClientConfig[" + baseUrl + (basicAuthUserInfo != null ? ", basic auth" : "")
                + (bearerToken != null ? ", bearer token" : "") + ", timeout " + requestTimeout + "]";
    }
}
