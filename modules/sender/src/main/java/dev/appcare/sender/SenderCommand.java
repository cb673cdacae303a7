package dev.appcare.sender;

import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.HealthPortOption;
import dev.appcare.runtime.Role;
import dev.appcare.runtime.RoleCommand;
import dev.appcare.runtime.RoleRunner;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code appcare sender}: runs the sender role until stopped (Ctrl-C / SIGTERM stop it gracefully),
 * through {@link RoleRunner} like every role: a reader, the poll loop or the dispatcher that dies makes it
 * exit {@value RoleRunner#FAILED}, so that the platform restarts it. Settings come from {@code --config FILE},
 * then {@code APPCARE_*} environment variables, then these options; broker and registry must be named (no
 * local default). The access token and the app secret are deliberately not options (they would show in the
 * process list): use the file, {@code APPCARE_WHATSAPP_TOKEN} / {@code APPCARE_WHATSAPP_APP_SECRET}, or
 * {@code whatsapp.token-file}.
 */
@Command(name = "sender", mixinStandardHelpOptions = true,
        description = "Deliver WhatsApp requests through the Cloud API and serve the WhatsApp webhook.")
public final class SenderCommand extends RoleCommand {

    @Mixin
    HealthPortOption health;

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

    @Override
    protected Role role(Map<String, String> env) {
        return SenderApp.fromConfig(appConfig(env));
    }

    AppConfig appConfig(Map<String, String> env) {
        Map<String, Object> flags = new HashMap<>(health.flags());
        flags.put("whatsapp.base-url", whatsappBaseUrl);
        flags.put("whatsapp.phone-number-id", phoneNumberId);
        flags.put("whatsapp.api-version", apiVersion);
        flags.put("sender.rate.per-second", rate);
        flags.put("sender.pair-interval", pairInterval);
        flags.put("sender.webhook.host", webhookHost);
        flags.put("sender.webhook.port", webhookPort);
        return options.appConfig(env, flags);
    }

    /** Runs the sender on its own, without the {@code appcare} command. */
    public static void main(String[] args) {
        main(new SenderCommand(), args);
    }
}
