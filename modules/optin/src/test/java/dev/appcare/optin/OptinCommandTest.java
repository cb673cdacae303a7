package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptinCommandTest {

    @Test
    void shouldTurnOptionsIntoConfigurationOverrides() {
        OptinCommand command = new OptinCommand();
        new CommandLine(command).parseArgs("--config", "optin.properties", "--bootstrap-servers", "k:9092",
                "--schema-registry-url", "http://r:8081", "--host", "0.0.0.0", "--port", "9000", "--management-port", "9001");

        assertThat(command.config).isEqualTo(Path.of("optin.properties"));
        assertThat(command.overrides()).isEqualTo(Map.of("kafka.bootstrap.servers", "k:9092",
                "schema.registry.url", "http://r:8081", "optin.http.host", "0.0.0.0", "optin.http.port", "9000",
                "optin.management.port", "9001"));
    }

    @Test
    void shouldLeaveUnsetOptionsToTheFileAndEnvironment() {
        OptinCommand command = new OptinCommand();
        new CommandLine(command).parseArgs();

        assertThat(command.overrides()).isEmpty();
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
