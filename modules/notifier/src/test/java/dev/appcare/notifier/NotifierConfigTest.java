package dev.appcare.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.notifier.rules.MessageBudget;
import dev.appcare.notifier.streams.NotifierMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierConfigTest {

    @Test
    void shouldReadTheRoleConfigurationWithDefaults() {
        NotifierConfig config = NotifierConfig.from(AppConfig.of(Map.of("schema.registry.url", "http://registry:8081",
                "schema.registry.request.timeout.ms", "5000", "kafka.bootstrap.servers", "kafka:9092")), NotifierMetrics.detached());

        assertThat(config.topics()).isEqualTo(Topics.contract());
        assertThat(config.topics().name(Topics.FLIGHT_STATUS)).isEqualTo("flight.status.v1");
        assertThat(config.serdeConfig()).containsOnly(Map.entry("schema.registry.url", "http://registry:8081"),
                Map.entry("schema.registry.request.timeout.ms", "5000"));
        assertThat(config.delayThreshold()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.urgentWindow()).isEqualTo(Duration.ofHours(3));
        assertThat(config.flightPartitions()).isZero();
        assertThat(config.budget()).isEqualTo(new MessageBudget(4, Duration.ofMinutes(10), Duration.ofHours(1),
                Duration.ofSeconds(10)));
    }

    @Test
    void shouldReadTheMessageBudget() {
        NotifierConfig config = NotifierConfig.from(AppConfig.of(Map.of("schema.registry.url", "http://r",
                "notifier.budget.max-per-day", "3", "notifier.budget.spacing", "PT0S",
                "notifier.budget.urgent-gate-window", "PT30M", "notifier.budget.check-interval", "PT1S")), NotifierMetrics.detached());

        assertThat(config.budget()).isEqualTo(new MessageBudget(3, Duration.ZERO, Duration.ofMinutes(30), Duration.ofSeconds(1)));
        assertThatThrownBy(() -> NotifierConfig.from(AppConfig.of(Map.of("schema.registry.url", "http://r",
                "notifier.budget.max-per-day", "0")), NotifierMetrics.detached())).hasMessageContaining("at least one message a day");
    }

    @Test
    void shouldTakeEnvironmentOverrides() {
        AppConfig app = AppConfig.load(null, Map.of("APPCARE_SCHEMA_REGISTRY_URL", "http://r", "APPCARE_NOTIFIER_DELAY_THRESHOLD",
                "PT20M", "APPCARE_NOTIFIER_TOPICS_SUFFIX", "-staging", "APPCARE_NOTIFIER_PARTITIONS_FLIGHT", "12"), Map.of());

        NotifierConfig config = NotifierConfig.from(app, NotifierMetrics.detached());

        assertThat(config.delayThreshold()).isEqualTo(Duration.ofMinutes(20));
        assertThat(config.topics().name(Topics.WHATSAPP_REQUEST)).isEqualTo("notify.whatsapp-request.v1-staging");
        assertThat(config.flightPartitions()).isEqualTo(12);
    }

    @Test
    void shouldRefuseAMissingRegistryAndABadThreshold() {
        assertThatThrownBy(() -> NotifierConfig.from(AppConfig.of(Map.of()), NotifierMetrics.detached()))
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> NotifierConfig.from(AppConfig.of(Map.of("schema.registry.url", "http://r",
                "notifier.delay.threshold", "PT0S")), NotifierMetrics.detached()))
                .hasMessageContaining("threshold");
    }

    @Test
    void shouldRefuseACatalogueTheNotifierCannotFillIn(@TempDir Path dir) throws IOException {
        Path templates = dir.resolve("templates.json");
        String json = new String(NotifierConfigTest.class.getResourceAsStream("/appcare/templates.json").readAllBytes())
                .replace("\"flight\", \"gate\", \"departureTime\"", "\"flight\", \"gate\", \"terminal\"");
        Files.writeString(templates, json);

        assertThatThrownBy(() -> NotifierConfig.from(AppConfig.of(Map.of("schema.registry.url", "http://r",
                "notifier.templates.file", templates.toString())), NotifierMetrics.detached()))
                .hasMessageContaining("gate_change").hasMessageContaining("'terminal'");
    }

    @Test
    void shouldAlwaysRunExactlyOnceWithExplicitNames() {
        AppConfig app = AppConfig.of(Map.of("schema.registry.url", "http://r", "kafka.bootstrap.servers", "kafka:9092",
                "kafka.processing.guarantee", "at_least_once", "kafka.num.stream.threads", "2",
                "notifier.application.id", "notifier-eu"));
        NotifierConfig config = NotifierConfig.from(app, NotifierMetrics.detached());

        Properties properties = NotifierApp.streamsProperties(app, config, 8090);

        assertThat(properties).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-eu")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .containsEntry("num.stream.threads", "2")
                .containsEntry(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true)
                .containsEntry("schema.registry.url", "http://r");
        assertThat(properties.getProperty(StreamsConfig.STATE_DIR_CONFIG)).endsWith("notifier-eu-8090");
    }

    @Test
    void shouldGiveTheChangelogsTheErasureBoundOfTheContractsCompactedTopics() {
        AppConfig app = AppConfig.of(Map.of("schema.registry.url", "http://r", "erasure.bound", "PT8H"));
        NotifierConfig config = NotifierConfig.from(app, NotifierMetrics.detached());

        Properties properties = NotifierApp.streamsProperties(app, config, 8090);

        // B = 8 h: segments roll after B/8, the cleaner must act after B/4, tombstones stay 7 days.
        assertThat(properties).containsEntry("topic.segment.ms", String.valueOf(3_600_000L))
                .containsEntry("topic.max.compaction.lag.ms", String.valueOf(7_200_000L))
                .containsEntry("topic.min.cleanable.dirty.ratio", "0.5")
                .containsEntry("topic.delete.retention.ms", String.valueOf(7L * 24 * 3_600_000));
        assertThat(NotifierApp.streamsProperties(AppConfig.of(Map.of("schema.registry.url", "http://r")), config, 8090))
                .containsEntry("topic.max.compaction.lag.ms", String.valueOf(6L * 3_600_000));
    }

    @Test
    void shouldBuildTheCommandsConfigurationFromFileEnvironmentAndOptions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("notifier.properties");
        Files.writeString(file, "kafka.bootstrap.servers=file:9092\nnotifier.health.port=1\nnotifier.delay.threshold=PT30M\n");
        NotifierCommand command = new NotifierCommand();
        new picocli.CommandLine(command).parseArgs("--config", file.toString(), "--health-port", "0");

        AppConfig config = command.appConfig(Map.of("APPCARE_KAFKA_BOOTSTRAP_SERVERS", "env:9092"));

        assertThat(config.get("kafka.bootstrap.servers", null)).isEqualTo("env:9092");
        assertThat(config.get("notifier.health.port", null)).isEqualTo("0");
        assertThat(config.get("notifier.delay.threshold", null)).isEqualTo("PT30M");
        assertThat(config.get("schema.registry.url", null)).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");

        command = new NotifierCommand();
        new picocli.CommandLine(command).parseArgs("--config", file.toString(), "--bootstrap-servers", "option:9092",
                "--schema-registry-url", "http://option");
        config = command.appConfig(Map.of("APPCARE_KAFKA_BOOTSTRAP_SERVERS", "env:9092"));
        assertThat(config.get("kafka.bootstrap.servers", null)).isEqualTo("option:9092");
        assertThat(config.get("schema.registry.url", null)).isEqualTo("http://option");
    }
}
