package dev.appcare.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RoleOptionsTest {

    /** A role command as the roles write theirs: the shared mixins and one option of its own. */
    @Command(name = "notifier")
    static final class SomeRoleCommand {
        @Mixin
        RoleOptions options;
        @Mixin
        HealthPortOption health;
        @CommandLine.Option(names = "--rate")
        Integer rate;

        AppConfig appConfig(Map<String, String> env) {
            Map<String, Object> flags = new HashMap<>(health.flags());
            flags.put("notifier.rate", rate);
            return options.appConfig(env, flags);
        }
    }

    @TempDir
    Path dir;

    @Test
    void shouldTakeTheFileThenTheEnvironmentThenTheOptions() throws IOException {
        Path file = Files.writeString(dir.resolve("role.properties"), """
                kafka.bootstrap.servers=file:9092
                schema.registry.url=http://file:8081
                notifier.health.port=1001
                notifier.rate=1
                only.in.file=f
                """);
        Map<String, String> env = Map.of("APPCARE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "APPCARE_NOTIFIER_HEALTH_PORT", "2002", "APPCARE_NOTIFIER_RATE", "2", "APPCARE_ONLY_IN_ENV", "e");
        SomeRoleCommand command = new SomeRoleCommand();
        new CommandLine(command).parseArgs("--config", file.toString(), "--schema-registry-url", "http://flag:8081",
                "--health-port", "3003");

        AppConfig config = command.appConfig(env);

        assertThat(config.asMap()).isEqualTo(Map.of(
                "kafka.bootstrap.servers", "env:9092",          // env over file
                "schema.registry.url", "http://flag:8081",      // option over file
                "notifier.health.port", "3003",                 // option over env over file
                "notifier.rate", "2",                           // not given as an option: env over file
                "only.in.file", "f",
                "only.in.env", "e"));
    }

    @Test
    void shouldFillTheLocalStackOnlyWhereNothingNamedABrokerOrRegistry() {
        SomeRoleCommand command = new SomeRoleCommand();
        new CommandLine(command).parseArgs("--bootstrap-servers", "flag:9092");

        AppConfig config = command.options.localAppConfig(Map.of(), Map.of());

        assertThat(config.asMap()).isEqualTo(Map.of("kafka.bootstrap.servers", "flag:9092",
                "schema.registry.url", RoleOptions.DEFAULT_REGISTRY));
        assertThat(command.options.appConfig(Map.of(), Map.of()).asMap())
                .isEqualTo(Map.of("kafka.bootstrap.servers", "flag:9092"));
    }

    @Test
    void shouldNameTheHealthPortKeyAfterTheCommandInItsHelp() {
        String help = new CommandLine(new SomeRoleCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(help).contains("key notifier.health.port;").contains("docs/notifier.md");
    }
}
