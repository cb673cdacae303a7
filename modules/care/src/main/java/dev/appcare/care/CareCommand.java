package dev.appcare.care;

import dev.appcare.runtime.AppConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appcare care}: runs the care role until it is stopped (SIGTERM shuts it down gracefully).
 * Reads {@code care.inbound.v1}, {@code care.agent-reply.v1}, {@code notify.whatsapp-request.v1},
 * {@code flight.status.v1}, {@code booking.passenger-segment.v1}; writes {@code notify.whatsapp-request.v1},
 * {@code care.handoff.v1} and {@code care.dlq.v1}.
 */
@Command(name = "care", mixinStandardHelpOptions = true,
        description = "Run care: acknowledge traveller messages with service hours and FAQ answers, hand off to agents, deliver agents' replies (Kafka Streams).")
public final class CareCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (keys: see docs/care.md).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-API schema registry base URL "
            + "(default http://127.0.0.1:8081/apis/ccompat/v7).")
    String schemaRegistryUrl;

    @Option(names = "--health-port", description = "Port of /health and /metrics (default 8093; 0 = any free port).")
    Integer healthPort;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CareCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CareApp app = new CareApp(appConfig(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "care-shutdown"));
        app.start();
        return app.awaitTermination() ? 1 : 0;
    }

    AppConfig appConfig(Map<String, String> env) {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (bootstrapServers != null) {
            overrides.put(CareApp.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            overrides.put(CareConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        }
        if (healthPort != null) {
            overrides.put(CareApp.HEALTH_PORT, healthPort.toString());
        }
        AppConfig loaded = AppConfig.load(config, env, overrides);
        if (loaded.get(CareConfig.SCHEMA_REGISTRY_URL, null) == null) {
            Map<String, String> withDefault = new LinkedHashMap<>(loaded.asMap());
            withDefault.put(CareConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:8081/apis/ccompat/v7");
            return AppConfig.of(withDefault);
        }
        return loaded;
    }
}
