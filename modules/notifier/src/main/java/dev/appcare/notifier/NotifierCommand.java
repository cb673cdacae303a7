package dev.appcare.notifier;

import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.HealthPortOption;
import dev.appcare.runtime.Role;
import dev.appcare.runtime.RoleCommand;
import dev.appcare.runtime.RoleRunner;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code appcare notifier}: runs the notifier role until it is stopped (Ctrl-C / SIGTERM shuts it down
 * gracefully), through {@link RoleRunner} like every role. Settings come from {@code --config FILE}
 * (keys: docs/notifier.md), then {@code APPCARE_*} environment variables, then these options; broker and
 * registry default to the local stack. Reads {@code flight.status.v1}, {@code flight.boarding-pass.v1},
 * {@code booking.passenger-segment.v1}, {@code traveller.preference.v1}; writes
 * {@code notify.whatsapp-request.v1} and {@code notify.notifier.dlq.v1}.
 */
@Command(name = "notifier", mixinStandardHelpOptions = true,
        description = "Run the notifier: flight events and boarding passes to per-traveller WhatsApp requests (Kafka Streams).")
public final class NotifierCommand extends RoleCommand {

    @Mixin
    HealthPortOption health;

    public static void main(String[] args) {
        main(new NotifierCommand(), args);
    }

    @Override
    protected Role role(Map<String, String> env) {
        return new NotifierApp(appConfig(env));
    }

    AppConfig appConfig(Map<String, String> env) {
        return options.localAppConfig(env, health.flags());
    }
}
