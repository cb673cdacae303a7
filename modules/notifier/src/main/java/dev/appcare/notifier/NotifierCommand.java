package dev.appcare.notifier;

import dev.appcare.runtime.AppConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appcare notifier}: runs the notifier role until it is stopped (Ctrl-C / SIGTERM shuts it down
 * gracefully). Settings come from {@code --config FILE}, then {@code APPCARE_*} environment variables,
 * then these options. Reads {@code flight.status.v1}, {@code flight.boarding-pass.v1},
 * {@code booking.passenger-segment.v1}, {@code traveller.preference.v1}; writes
 * {@code notify.whatsapp-request.v1} and {@code notify.notifier.dlq.v1}.
 */
@Command(name = "notifier", mixinStandardHelpOptions = true,
        description = "Run the notifier: flight events and boarding passes to per-traveller WhatsApp requests (Kafka Streams).")
public final class NotifierCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (keys: see docs/notifier.md).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-API schema registry base URL "
            + "(default http://127.0.0.1:8081/apis/ccompat/v7).")
    String schemaRegistryUrl;

    @Option(names = "--health-port", description = "Port of /health and /metrics (default 8090; 0 = any free port).")
    Integer healthPort;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NotifierCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        NotifierApp app = new NotifierApp(appConfig(System.getenv()));
        Thread shutdown = new Thread(app::stop, "notifier-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        app.start();
        boolean failed = app.awaitTermination();
        return failed ? 1 : 0;
    }

    AppConfig appConfig(Map<String, String> env) {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (bootstrapServers != null) {
            overrides.put(NotifierApp.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            overrides.put(NotifierConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        }
        if (healthPort != null) {
            overrides.put(NotifierApp.HEALTH_PORT, healthPort.toString());
        }
        AppConfig loaded = AppConfig.load(config, env, overrides);
        if (loaded.get(NotifierConfig.SCHEMA_REGISTRY_URL, null) == null) {
            Map<String, String> withDefault = new LinkedHashMap<>(loaded.asMap());
            withDefault.put(NotifierConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:8081/apis/ccompat/v7");
            return AppConfig.of(withDefault);
        }
        return loaded;
    }
}
