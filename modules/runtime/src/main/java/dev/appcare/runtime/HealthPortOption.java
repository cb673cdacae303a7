package dev.appcare.runtime;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --health-port}, the port of a role's {@link HealthServer}: the key is {@code <role>.health.port},
 * {@code <role>} being the command's name ({@code notifier.health.port}, {@code care.health.port},
 * {@code sender.health.port}).
 */
public final class HealthPortOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--health-port", description = "Port of /health and /metrics (key ${COMMAND-NAME}.health.port; "
            + "default: docs/${COMMAND-NAME}.md; 0 = any free port).")
    Integer healthPort;

    /** The configuration key this option sets. */
    public String key() {
        return mixee.name() + ".health.port";
    }

    /** The option as a flag for {@link RoleOptions#appConfig}: empty when not given. */
    public Map<String, Object> flags() {
        Map<String, Object> flags = new HashMap<>();
        if (healthPort != null) {
            flags.put(key(), healthPort);
        }
        return flags;
    }
}
