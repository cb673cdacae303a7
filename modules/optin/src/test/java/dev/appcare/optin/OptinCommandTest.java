package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OptinCommandTest {

    @Test
    void shouldTurnOptionsIntoConfigurationOverrides(@TempDir Path dir) throws java.io.IOException {
        Path file = Files.writeString(dir.resolve("optin.properties"), "optin.http.port=1\noptin.topic.request=r\n");
        OptinCommand command = new OptinCommand();
        new CommandLine(command).parseArgs("--config", file.toString(), "--bootstrap-servers", "k:9092",
                "--schema-registry-url", "http://r:8081", "--host", "0.0.0.0", "--port", "9000", "--management-port", "9001");

        assertThat(command.appConfig(Map.of()).asMap()).isEqualTo(Map.of("kafka.bootstrap.servers", "k:9092",
                "schema.registry.url", "http://r:8081", "optin.http.host", "0.0.0.0", "optin.http.port", "9000",
                "optin.management.port", "9001", "optin.topic.request", "r")); // the file's key the options leave alone
    }

    @Test
    void shouldLeaveUnsetOptionsToTheFileAndEnvironment() {
        OptinCommand command = new OptinCommand();
        new CommandLine(command).parseArgs();

        assertThat(command.appConfig(Map.of()).asMap()).isEmpty();
    }

    @Test
    void shouldFailWithAMessageNotAStackTraceWhenMisconfigured() {
        CommandLine commandLine = new CommandLine(new OptinCommand());
        java.io.StringWriter err = new java.io.StringWriter();
        commandLine.setErr(new java.io.PrintWriter(err));

        // No API key configured (the test environment sets no APPCARE_OPTIN_AUTH_* variables).
        int exit = commandLine.execute("--port", "0");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("optin: no API keys configured");
    }
}
