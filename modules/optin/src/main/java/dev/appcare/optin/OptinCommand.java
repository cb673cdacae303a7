package dev.appcare.optin;

import dev.appcare.runtime.AppConfig;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code appcare optin}: runs the opt-in API until stopped (Ctrl-C or SIGTERM stop it gracefully:
 * calls under way finish, queued writes are committed).
 */
@Command(name = "optin", mixinStandardHelpOptions = true,
        description = {"Runs the opt-in API: the HTTP service the booking site calls to opt travellers in to "
                + "WhatsApp messages, read or change their preference, opt them out and erase them.",
                "Configuration: the --config file, then APPCARE_* environment variables, then these options. "
                        + "At least one API key is required (optin.auth.key.<name>.secret and .permissions); "
                        + "see docs/optin-api.md."})
public final class OptinCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the configuration.")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (key kafka.bootstrap.servers; default 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-API schema registry URL (key schema.registry.url; "
            + "default http://127.0.0.1:8081/apis/ccompat/v7).")
    String schemaRegistryUrl;

    @Option(names = "--host", description = "Address to listen on (key optin.http.host; default 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "Port to listen on (key optin.http.port; default " + OptinSettings.DEFAULT_PORT + ").")
    Integer port;

    @Option(names = "--management-port", description = "Port of /health and /metrics, apart from the API (key "
            + "optin.management.port; default " + OptinSettings.DEFAULT_MANAGEMENT_PORT + "; host optin.management.host, default 127.0.0.1).")
    Integer managementPort;

    /** Runs the role on its own ({@code java -cp ... dev.appcare.optin.OptinCommand}); usually it is {@code appcare optin}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new OptinCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        OptinApp app;
        try {
            app = new OptinApp(AppConfig.load(config, System.getenv(), overrides()));
            app.start();
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("optin: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            stopped.countDown();
        }, "optin-shutdown"));
        stopped.await();
        return 0;
    }

    Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (bootstrapServers != null) {
            overrides.put(OptinSettings.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            overrides.put(OptinSettings.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        }
        if (host != null) {
            overrides.put(OptinSettings.HOST, host);
        }
        if (port != null) {
            overrides.put(OptinSettings.PORT, Integer.toString(port));
        }
        if (managementPort != null) {
            overrides.put(OptinSettings.MANAGEMENT_PORT, Integer.toString(managementPort));
        }
        return overrides;
    }
}
