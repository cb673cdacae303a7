package dev.appcare.sender;

import dev.appcare.runtime.AppConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appcare sender}: runs the sender role until stopped (Ctrl-C / SIGTERM stop it gracefully).
 * Settings come from {@code --config FILE}, then {@code APPCARE_*} environment variables, then these
 * options. The access token and the app secret are deliberately not options (they would show in the
 * process list): use the file, {@code APPCARE_WHATSAPP_TOKEN} / {@code APPCARE_WHATSAPP_APP_SECRET}, or
 * {@code whatsapp.token-file}.
 */
@Command(name = "sender", mixinStandardHelpOptions = true,
        description = "Deliver WhatsApp requests through the Cloud API and serve the WhatsApp webhook.")
public final class SenderCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (see docs/sender.md).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (kafka.bootstrap.servers).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-API schema registry URL (schema.registry.url).")
    String schemaRegistryUrl;

    @Option(names = "--whatsapp-base-url", description = "Cloud API base URL, e.g. https://graph.facebook.com or the simulator's (whatsapp.base-url).")
    String whatsappBaseUrl;

    @Option(names = "--phone-number-id", description = "Business phone number id (whatsapp.phone-number-id).")
    String phoneNumberId;

    @Option(names = "--api-version", description = "Graph API version, e.g. v23.0 (whatsapp.api-version).")
    String apiVersion;

    @Option(names = "--rate", description = "Throughput ceiling in messages per second, 1..1000 (sender.rate.per-second).")
    Integer rate;

    @Option(names = "--pair-interval", description = "Minimum time between two messages to one recipient, e.g. PT6S (sender.pair-interval).")
    String pairInterval;

    @Option(names = "--webhook-host", description = "Address the webhook binds to (sender.webhook.host).")
    String webhookHost;

    @Option(names = "--webhook-port", description = "Webhook port (sender.webhook.port).")
    Integer webhookPort;

    @Option(names = "--health-port", description = "Port of /health and /metrics (sender.health.port).")
    Integer healthPort;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, "kafka.bootstrap.servers", bootstrapServers);
        put(overrides, "schema.registry.url", schemaRegistryUrl);
        put(overrides, "whatsapp.base-url", whatsappBaseUrl);
        put(overrides, "whatsapp.phone-number-id", phoneNumberId);
        put(overrides, "whatsapp.api-version", apiVersion);
        put(overrides, "sender.rate.per-second", rate);
        put(overrides, "sender.pair-interval", pairInterval);
        put(overrides, "sender.webhook.host", webhookHost);
        put(overrides, "sender.webhook.port", webhookPort);
        put(overrides, "sender.health.port", healthPort);
        SenderApp app = SenderApp.fromConfig(AppConfig.load(config, System.getenv(), overrides));
        Thread hook = new Thread(app::stop, "sender-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        app.start();
        app.awaitStop();
        // A reader, the poll loop or the dispatcher died: exit non-zero so that the platform restarts us.
        return app.fatalReason() == null ? 0 : 70;
    }

    private static void put(Map<String, String> overrides, String key, Object value) {
        if (value != null) {
            overrides.put(key, value.toString());
        }
    }

    /** Runs the sender on its own, without the {@code appcare} command. */
    public static void main(String[] args) {
        int exit = new CommandLine(new SenderCommand()).execute(args);
        System.exit(exit);
    }
}
