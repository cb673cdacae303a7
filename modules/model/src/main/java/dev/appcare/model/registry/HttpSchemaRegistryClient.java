package dev.appcare.model.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * Confluent Schema Registry REST client over the JDK's HTTP client.
 *
 * <p>Why hand-written: Confluent's own client is not on Maven Central, and the part of the API we need
 * is small (register, look up, fetch by id, compatibility). Ids and schemas are immutable in a registry,
 * so id-to-schema and (subject, schema)-to-id answers are cached for the life of the client; the
 * serializers therefore call the registry once per schema, not once per record.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final String base;
    private final HttpClient http;
    private final String authorization;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        String url = config.baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(config.requestTimeout());
        if (config.trustStore() != null) {
            http.sslContext(sslContext(config.trustStore()));
        }
        this.http = http.build();
        if (config.basicAuthUserInfo() != null) {
            this.authorization = "Basic " + Base64.getEncoder()
                    .encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
        } else if (config.bearerToken() != null) {
            this.authorization = "Bearer " + config.bearerToken();
        } else {
            this.authorization = null;
        }
    }

    /**
     * A TLS context trusting exactly the certificates of {@code store}. The JDK's client verifies the
     * registry's host name against the certificate whatever the context.
     */
    private static SSLContext sslContext(RegistryClientConfig.TrustStore store) {
        String what = "the schema registry's trust store " + store.location() + " (" + RegistryClientConfig.TRUSTSTORE_LOCATION + ")";
        try (InputStream in = Files.newInputStream(store.location())) {
            KeyStore keys = KeyStore.getInstance(store.type());
            keys.load(in, store.password() == null ? null : store.password().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read " + what + ": " + e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = idsBySubjectSchema.get(new SubjectSchema(subject, schema));
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), subject);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("Registry answered without an id when registering subject '"
                    + subject + "': " + answer, 200, 0, subject);
        }
        remember(subject, schema, id);
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema), subject);
        RegisteredSchema found = new RegisteredSchema(subject, answer.path("id").asInt(),
                answer.path("version").asInt(), schema);
        remember(subject, schema, found.id());
        return found;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, null);
        Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject);
        Schema schema = parse(answer.path("schema").asText(), "subject " + subject);
        int id = answer.path("id").asInt();
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, id, answer.path("version").asInt(), schema);
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null, null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema candidate) {
        JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                schemaBody(candidate), subject);
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(node -> messages.add(node.asText()));
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call("PUT", subject == null ? "/config" : "/config/" + encode(subject), body.toString(), subject);
    }

    @Override
    public String getCompatibility(String subject) {
        JsonNode answer = call("GET", subject == null ? "/config" : "/config/" + encode(subject), null, subject);
        // Confluent answers {"compatibilityLevel": ...}; some registries use "compatibility".
        JsonNode level = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.get("compatibility");
        return level == null ? null : level.asText();
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubjectSchema.putIfAbsent(new SubjectSchema(subject, schema), id);
        schemasById.putIfAbsent(id, schema);
    }

    private static String schemaBody(Schema schema) {
        // Plain Avro: Confluent's API omits schemaType for AVRO.
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("Registry returned an unparseable Avro schema for " + what + ": "
                    + e.getMessage(), 200, 0, null, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body, String subject) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
            request.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String what = method + " " + base + path;
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new SchemaRegistryException("Schema registry did not answer within " + config.requestTimeout()
                    + ": " + what, 0, 0, subject, e);
        } catch (javax.net.ssl.SSLException e) {
            throw new SchemaRegistryException("Schema registry's TLS handshake failed (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ") (check schema.registry.ssl.truststore.*): " + what, 0, 0, subject, e);
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry unreachable (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "): " + what, 0, 0, subject, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while calling the schema registry: " + what, 0, 0, subject, e);
        }
        JsonNode json = readJson(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return json;
        }
        throw toException(status, json, response.body(), what, subject);
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body.length() > 500 ? body.substring(0, 500) : body);
        }
    }

    private static SchemaRegistryException toException(int status, JsonNode json, String raw, String what, String subject) {
        int errorCode = json.path("error_code").asInt(status);
        String message = json.path("message").asText(raw == null ? "" : raw);
        if (status == 409) {
            List<String> reasons = new ArrayList<>();
            // Confluent puts the verbose reasons into the message; keep it whole when there is no list.
            json.path("messages").forEach(node -> reasons.add(node.asText()));
            if (reasons.isEmpty() && !message.isBlank()) {
                reasons.add(message);
            }
            return new IncompatibleSchemaException(subject, reasons, message);
        }
        if (status == 404) {
            return new SchemaNotFoundException("Not found in schema registry (error " + errorCode + "): " + message
                    + " [" + what + "]", errorCode, subject);
        }
        String hint = switch (status) {
            case 401 -> " (check basic.auth.user.info / bearer.auth.token)";
            case 403 -> " (credentials lack permission)";
            case 422 -> " (the registry rejected the schema or request as invalid)";
            default -> "";
        };
        return new SchemaRegistryException("Schema registry answered HTTP " + status + " (error " + errorCode + ")"
                + hint + ": " + message + " [" + what + "]", status, errorCode, subject);
    }
}
