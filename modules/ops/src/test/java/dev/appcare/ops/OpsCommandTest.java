package dev.appcare.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OpsCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new OpsCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldOfferTheFourTasks() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("redrive").contains("reprocess").contains("reset").contains("trace");
    }

    @Test
    void shouldPaceARedriveBelowTheSendersCeilingByDefault() {
        CommandLine cli = new CommandLine(new OpsCommand());
        CommandLine.ParseResult parsed = cli.parseArgs("redrive", "--from", "now-PT1H", "--execute");
        OpsCommand.Redrive redrive = (OpsCommand.Redrive) parsed.subcommand().commandSpec().userObject();
        assertThat(redrive.maxRate).as("msg/s, half WhatsApp's default 80 msg/s business-number ceiling").isEqualTo(40);
        assertThat(run("redrive", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("default: 40").contains("0: unpaced");
    }

    @Test
    void shouldRefuseIncompleteOrContradictoryArgumentsBeforeTouchingTheCluster() {
        assertThat(run("redrive")).as("no --from").isEqualTo(2);
        assertThat(run("reset", "--role", "sender")).as("no target").isEqualTo(2);
        assertThat(run("reset", "--role", "sender", "--to-datetime", "now", "--by-duration", "PT1H")).as("two targets").isEqualTo(2);
        assertThat(run("reset", "--role", "optin", "--by-duration", "PT1H")).as("not a role with offsets to reset").isEqualTo(2);
        assertThat(run("trace")).as("no subject").isEqualTo(2);
        assertThat(err.toString()).doesNotContain("Exception");
    }

    @Test
    void shouldSayClearlyWhatIsWrongWithAValue() {
        // Nothing listens on port 9: the bad value must be reported before any connection is tried.
        assertThat(run("redrive", "--from", "yesterday", "--bootstrap-servers", "127.0.0.1:9")).isEqualTo(2);
        assertThat(err.toString()).contains("'yesterday' is not a time").doesNotContain("Exception");
        assertThat(run("reprocess", "--topic", "notify.whatsapp-request.v1", "--from", "now", "--bootstrap-servers", "127.0.0.1:9"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--topic must be flight.status.v1 or flight.boarding-pass.v1");
    }

    @Test
    void shouldSplitACommandConfigIntoClientAndRegistrySettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                bootstrap.servers=broker-1:9093
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                schema.registry.url=https://registry:8081
                basic.auth.user.info=ops:secret
                """);
        OpsContext ctx = OpsContext.of(null, null, file, "", Clock.systemUTC(), new PrintWriter(new StringWriter()));
        assertThat(ctx.kafkaConfig()).containsEntry("bootstrap.servers", "broker-1:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN").doesNotContainKeys("schema.registry.url", "basic.auth.user.info");
        assertThat(ctx.serdeConfig()).containsEntry("schema.registry.url", "https://registry:8081")
                .containsEntry("basic.auth.user.info", "ops:secret").doesNotContainKey("security.protocol");

        OpsContext overridden = OpsContext.of("127.0.0.1:9092", null, file, ".staging", Clock.systemUTC(), new PrintWriter(new StringWriter()));
        assertThat(overridden.kafkaConfig()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(overridden.topic(dev.appcare.model.topics.Topics.FLIGHT_STATUS)).isEqualTo("flight.status.v1.staging");
    }

    @Test
    void shouldTakeTheRolesPropertiesFileAsItIs(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("roles.properties");
        Files.writeString(file, """
                kafka.bootstrap.servers=broker-1:9093
                kafka.security.protocol=SASL_SSL
                kafka.sasl.mechanism=PLAIN
                schema.registry.url=https://registry:8081
                bearer.auth.token=t0ken
                notifier.application.id=appcare-notifier
                """);
        OpsContext ctx = OpsContext.of(null, null, file, "", Clock.systemUTC(), new PrintWriter(new StringWriter()));
        assertThat(ctx.kafkaConfig()).containsOnly(java.util.Map.entry("bootstrap.servers", "broker-1:9093"),
                java.util.Map.entry("security.protocol", "SASL_SSL"), java.util.Map.entry("sasl.mechanism", "PLAIN"),
                java.util.Map.entry("client.id", "appcare-ops"));
        assertThat(ctx.serdeConfig()).containsOnly(java.util.Map.entry("schema.registry.url", "https://registry:8081"),
                java.util.Map.entry("bearer.auth.token", "t0ken"));

        // As the command line reads it: the file's kafka.bootstrap.servers wins over the default 127.0.0.1:9092.
        OpsCommand.Connection connection = new OpsCommand.Connection();
        connection.commandConfig = file;
        assertThat(connection.context(new PrintWriter(new StringWriter())).kafkaConfig())
                .containsEntry("bootstrap.servers", "broker-1:9093").containsEntry("security.protocol", "SASL_SSL");
    }
}
