package dev.appcare.app;

import java.util.Map;
import picocli.CommandLine.Option;

/** Connection options shared by the commands; defaults match {@code scripts/stack start}. */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "${env:APPCARE_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", defaultValue = "${env:APPCARE_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}",
            description = "Confluent-API schema registry base URL (default: ${DEFAULT-VALUE}).")
    String schemaRegistryUrl;

    Map<String, Object> adminConfig() {
        return Map.of("bootstrap.servers", bootstrapServers, "client.id", "appcare-cli");
    }
}
