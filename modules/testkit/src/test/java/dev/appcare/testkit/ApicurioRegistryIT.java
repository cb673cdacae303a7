package dev.appcare.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

@IntegrationTest
class ApicurioRegistryIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static final String V1 = """
            {"type":"record","name":"FlightStatus","namespace":"dev.appcare.testkit",
             "fields":[{"name":"flightKey","type":"string"}]}""";
    /** Adds a field without a default: old records cannot be read with it, so BACKWARD refuses it. */
    static final String V2_INCOMPATIBLE = """
            {"type":"record","name":"FlightStatus","namespace":"dev.appcare.testkit",
             "fields":[{"name":"flightKey","type":"string"},{"name":"gate","type":"string"}]}""";
    /** The same field with a default is a BACKWARD-compatible change. */
    static final String V2_COMPATIBLE = """
            {"type":"record","name":"FlightStatus","namespace":"dev.appcare.testkit",
             "fields":[{"name":"flightKey","type":"string"},{"name":"gate","type":["null","string"],"default":null}]}""";

    @Test
    void shouldAnswerOnTheConfluentApiWithBackwardCompatibility(ApicurioRegistry registry) throws Exception {
        assertThat(registry.url()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");

        HttpResponse<String> subjects = get(registry.url() + "/subjects");
        HttpResponse<String> config = get(registry.url() + "/config");

        assertThat(subjects.statusCode()).isEqualTo(200);
        assertThat(subjects.body()).startsWith("[");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).contains("\"compatibilityLevel\":\"BACKWARD\"");
    }

    @Test
    void shouldRefuseAnIncompatibleSchemaChangeWithHttp409(ApicurioRegistry registry) throws Exception {
        String subject = TestNames.unique("testkit.compat") + "-value";

        HttpResponse<String> first = register(registry, subject, V1);
        HttpResponse<String> incompatible = register(registry, subject, V2_INCOMPATIBLE);
        HttpResponse<String> compatible = register(registry, subject, V2_COMPATIBLE);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).containsPattern("\"id\":\\d+");
        assertThat(incompatible.statusCode()).as(incompatible.body()).isEqualTo(409);
        assertThat(compatible.statusCode()).as(compatible.body()).isEqualTo(200);
        assertThat(get(registry.url() + "/subjects/" + subject + "/versions").body()).isEqualTo("[1,2]");
    }

    @Test
    void shouldListenOnLoopbackOnly(ApicurioRegistry registry) throws Exception {
        assumeTrue(ListeningSockets.supported(), "needs Linux /proc to see bound addresses");

        List<InetSocketAddress> listening = ListeningSockets.of(registry.pid());

        assertThat(listening).extracting(InetSocketAddress::getPort).contains(registry.port());
        assertThat(listening).hasSizeGreaterThanOrEqualTo(2) // HTTP + management interface
                .allSatisfy(address -> assertThat(address.getAddress().isLoopbackAddress())
                        .as("%s is bound to loopback", address).isTrue());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> register(ApicurioRegistry registry, String subject, String avsc) throws Exception {
        String body = "{\"schema\":\"" + avsc.replace("\n", " ").replace("\"", "\\\"") + "\"}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
