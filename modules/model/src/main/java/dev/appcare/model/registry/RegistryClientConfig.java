package dev.appcare.model.registry;

import java.net.URI;
import java.nio.file.Path;
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
 *   <li>{@code schema.registry.request.timeout.ms}: per-request timeout, default 10000;</li>
 *   <li>{@code schema.registry.ssl.truststore.location}, {@code .password}, {@code .type} (default PKCS12): the
 *       trust store for an {@code https} registry whose certificate the JVM's default trust store does not
 *       hold (a private CA); without it the JVM's default applies. Host names are always verified.</li>
 * </ul>
 */
public record RegistryClientConfig(URI baseUrl, String basicAuthUserInfo, String bearerToken, Duration requestTimeout,
                                   TrustStore trustStore) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

    /** A trust store file (its password never printed); {@code password} may be null for a store without one. */
    public record TrustStore(Path location, String password, String type) {
        public TrustStore {
            Objects.requireNonNull(location, "trust store location");
            Objects.requireNonNull(type, "trust store type");
        }

        @Override
        public String toString() {
            return "TrustStore[" + location + ", " + type + "]";
        }
    }

    public RegistryClientConfig {
        Objects.requireNonNull(baseUrl, "schema registry URL");
        Objects.requireNonNull(requestTimeout, "request timeout");
    }

    /** Without a trust store of its own (the JVM's default one applies to {@code https}). */
    public RegistryClientConfig(URI baseUrl, String basicAuthUserInfo, String bearerToken, Duration requestTimeout) {
        this(baseUrl, basicAuthUserInfo, bearerToken, requestTimeout, null);
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
                Duration.ofMillis(timeout == null ? 10_000 : Long.parseLong(timeout.toString())),
                trustStore(config));
    }

    private static TrustStore trustStore(Map<String, ?> config) {
        String location = stringOrNull(config.get(TRUSTSTORE_LOCATION));
        if (location == null) {
            if (stringOrNull(config.get(TRUSTSTORE_PASSWORD)) != null || stringOrNull(config.get(TRUSTSTORE_TYPE)) != null) {
                throw new IllegalArgumentException("'" + TRUSTSTORE_PASSWORD + "' or '" + TRUSTSTORE_TYPE + "' is set but '"
                        + TRUSTSTORE_LOCATION + "' is not: the registry's trust store needs its file");
            }
            return null;
        }
        String type = stringOrNull(config.get(TRUSTSTORE_TYPE));
        return new TrustStore(Path.of(location), stringOrNull(config.get(TRUSTSTORE_PASSWORD)), type == null ? "PKCS12" : type);
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
                + (bearerToken != null ? ", bearer token" : "") + ", timeout " + requestTimeout
                + (trustStore != null ? ", " + trustStore : "") + "]";
    }
}
