package dev.appcare.care;

import dev.appcare.runtime.HealthPortOption;
import dev.appcare.runtime.Role;
import dev.appcare.runtime.RoleCommand;
import dev.appcare.runtime.RoleRunner;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code appcare care}: runs the care role until it is stopped (SIGTERM shuts it down gracefully),
 * through {@link RoleRunner} like every role; options as every role's ({@link dev.appcare.runtime.RoleOptions}, keys:
 * docs/care.md; broker and registry default to the local stack).
 * Reads {@code care.inbound.v1}, {@code care.agent-reply.v1}, {@code notify.whatsapp-request.v1},
 * {@code flight.status.v1}, {@code booking.passenger-segment.v1}; writes {@code notify.whatsapp-request.v1},
 * {@code care.handoff.v1} and {@code care.dlq.v1}.
 */
@Command(name = "care", mixinStandardHelpOptions = true,
        description = "Run care: acknowledge traveller messages with service hours and FAQ answers, hand off to agents, deliver agents' replies (Kafka Streams).")
public final class CareCommand extends RoleCommand {

    @Mixin
    HealthPortOption health;

    public static void main(String[] args) {
        main(new CareCommand(), args);
    }

    @Override
    protected Role role(Map<String, String> env) {
        return new CareApp(options.localAppConfig(env, health.flags()));
    }
}
