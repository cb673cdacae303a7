package dev.appcare.optin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.optin.OptinCommand;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role as operators run it: {@code optin --config FILE --bootstrap-servers ...} in its own JVM,
 * serving until SIGTERM, then stopping gracefully.
 */
@IntegrationTest
class OptinCommandIT {
    private static final Pattern READY = Pattern.compile("Opt-in API ready on http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void shouldServeUntilSigtermThenStopGracefully(RealInfrastructure infra, @TempDir Path dir) throws Exception {
        try (OptinFixture fixture = new OptinFixture(infra)) {
            Path config = dir.resolve("optin.properties");
            Files.writeString(config, String.join("\n",
                    "optin.topic.preference=" + fixture.preferenceTopic,
                    "optin.topic.request=" + fixture.requestTopic,
                    "optin.topic.erasure-audit=" + fixture.auditTopic,
                    "optin.transactional.id=" + TestNames.unique("appcare-optin-command"),
                    "optin.auth.key.booking-site.permissions=read,write"));
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    OptinCommand.class.getName(), "--config", config.toString(),
                    "--bootstrap-servers", infra.bootstrapServers(), "--schema-registry-url", infra.schemaRegistryUrl(),
                    "--host", "127.0.0.1", "--port", "0").redirectErrorStream(true);
            // The key comes from the environment, as in a container.
            builder.environment().put("APPCARE_OPTIN_AUTH_KEY_BOOKING_SITE_SECRET", OptinFixture.WRITER_KEY);
            Process process = builder.start();
            List<String> output = new CopyOnWriteArrayList<>();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        output.add(line);
                        Matcher ready = READY.matcher(line);
                        if (ready.find()) {
                            port.complete(Integer.parseInt(ready.group(1)));
                        }
                    }
                    port.completeExceptionally(new IllegalStateException("exited before ready:\n" + String.join("\n", output)));
                } catch (Exception e) {
                    port.completeExceptionally(e);
                }
            });
            reader.start();
            try {
                int httpPort = port.get(60, TimeUnit.SECONDS);
                HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + httpPort + "/v1/travellers/CMD001/1/whatsapp"))
                        .header("Authorization", "Bearer " + OptinFixture.WRITER_KEY)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(OptinLifecycleIT.body("+31612345678",
                                Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.MILLIS)))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            } finally {
                // SIGTERM. Not Process.destroy(): that also closes our end of the child's output, losing its last lines.
                process.toHandle().destroy();
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            reader.join(5_000);
            assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(output).anyMatch(line -> line.contains("Opt-in API stopped"));
            assertThat(output).noneMatch(line -> line.contains("ERROR"));
            assertThat(fixture.committed(fixture.preferenceTopic)).hasSize(1);
        }
    }
}
