package dev.appcare.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CareConfigTest {

    @Test
    void shouldReadEveryKeyAndKeepTheRegistrySettings() {
        CareConfig config = CareConfig.from(AppConfig.of(Map.of("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7",
                "schema.registry.basic.auth.user.info", "u:p", "care.conversation.idle", "PT12H", "care.ack.quiet", "PT10M",
                "care.flight.horizon", "P2D", "care.state.retention", "P5D", "care.topics.suffix", ".it")),
                CareMetrics.detached(), Clock.systemUTC());

        assertThat(config.conversationIdle()).isEqualTo(Duration.ofHours(12));
        assertThat(config.ackQuiet()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.flightHorizon()).isEqualTo(Duration.ofDays(2));
        assertThat(config.stateRetention()).isEqualTo(Duration.ofDays(5));
        assertThat(config.topics().name(Topics.CARE_INBOUND)).isEqualTo("care.inbound.v1.it");
        assertThat(config.topics().name(Topics.WHATSAPP_REQUEST)).isEqualTo("notify.whatsapp-request.v1.it");
        assertThat(config.topics().name(Topics.TRAVELLER_PREFERENCE)).isEqualTo("traveller.preference.v1.it");
        assertThat(config.sweepInterval()).as("at most 10 minutes").isEqualTo(Duration.ofMinutes(10));
        assertThat(config.serdeConfig()).containsEntry("schema.registry.basic.auth.user.info", "u:p");
    }

    @Test
    void shouldRefuseASettingsFileWithClearReasons(@TempDir Path dir) throws Exception {
        Path reversed = dir.resolve("care.json");
        Files.writeString(reversed, Files.readString(Path.of("src/main/resources/appcare/care.json"))
                .replace("\"MONDAY\": \"08:00-22:00\"", "\"MONDAY\": \"22:00-08:00\""));
        assertThatThrownBy(() -> CareSettings.load(reversed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reversed.toString()).hasMessageContaining("opening 22:00 must be before closing 08:00");

        Path noPrivacy = dir.resolve("no-privacy.json");
        Files.writeString(noPrivacy, Files.readString(Path.of("src/main/resources/appcare/care.json"))
                .replace("\"fr\": \"https://appcare.example/fr/confidentialite\"", "\"xx\": \"https://appcare.example/xx\""));
        assertThatThrownBy(() -> CareSettings.load(noPrivacy)).hasMessageContaining("language fr has texts but no privacy statement link");
    }

    @Test
    void shouldRequireTheRegistry() {
        assertThatThrownBy(() -> CareConfig.from(AppConfig.of(Map.of()), CareMetrics.detached(), Clock.systemUTC()))
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void shouldSweepWithinTheErasureBoundAndGiveTheChangelogsItsSettings() {
        AppConfig app = AppConfig.of(Map.of("schema.registry.url", "mock://care-config", "erasure.bound", "PT60S"));
        CareConfig config = CareConfig.from(app, CareMetrics.detached(), Clock.systemUTC());
        assertThat(config.sweepInterval()).isEqualTo(Duration.ofMillis(3_750));
        // Two sweeps confirm an erasure; then the changelog's values and its phone-keyed tombstones are cleaned
        // (ErasureBound.phoneKeyedWorstCase): inside the bound when the broker's cleaner backs off at most B/16.
        assertThat(dev.appcare.model.topics.ErasureBound.of(Duration.ofSeconds(60))
                .phoneKeyedWorstCase(config.sweepInterval().multipliedBy(2), Duration.ofMillis(3_750)))
                .isLessThanOrEqualTo(Duration.ofSeconds(60));

        java.util.Properties streams = CareApp.streamsProperties(AppConfig.of(Map.of("schema.registry.url", "mock://care-config")),
                config, 0);
        assertThat(streams).containsEntry("topic.segment.ms", String.valueOf(Duration.ofHours(3).toMillis()))
                .containsEntry("topic.max.compaction.lag.ms", String.valueOf(Duration.ofHours(6).toMillis()))
                .containsEntry("topic.min.cleanable.dirty.ratio", "0.5")
                .as("a tombstone keyed by a phone number is kept B/8, not the 7 days of the traveller-keyed topics")
                .containsEntry("topic.delete.retention.ms", String.valueOf(Duration.ofHours(3).toMillis()));
    }
}
