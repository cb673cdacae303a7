package dev.appcare.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

    @Test
    void shouldLetEnvironmentOverrideAndOverridesWin() {
        AppConfig config = AppConfig.load(null,
                Map.of("APPCARE_SENDER_RATE_PER_SECOND", "200", "PATH", "/usr/bin"),
                Map.of("notifier.delay.threshold", "PT20M"));
        assertThat(config.getInt("sender.rate.per.second", 80)).isEqualTo(200);
        assertThat(config.getDuration("notifier.delay.threshold", Duration.ofMinutes(15))).isEqualTo(Duration.ofMinutes(20));
        assertThat(config.asMap()).doesNotContainKey("path");
    }

    @Test
    void shouldFindAHyphenatedKeySetFromTheEnvironment() {
        AppConfig config = AppConfig.load(null, Map.of("APPCARE_WHATSAPP_APP_SECRET", "from-env"), Map.of());
        assertThat(config.get("whatsapp.app-secret", null)).isEqualTo("from-env");
        assertThat(config.require("whatsapp.app-secret")).isEqualTo("from-env");
    }

    @Test
    void shouldPreferTheExactKeyOverItsEnvironmentForm() {
        AppConfig config = AppConfig.of(Map.of("sender.max-in-flight", "10", "sender.max.in.flight", "99"));
        assertThat(config.getInt("sender.max-in-flight", 1)).isEqualTo(10);
    }

    @Test
    void shouldNameTheKeyAndItsVariableWhenMissingOrInvalid() {
        AppConfig config = AppConfig.of(Map.of("sender.rate.per.second", "fast"));
        assertThatThrownBy(() -> config.require("whatsapp.token"))
                .hasMessageContaining("whatsapp.token").hasMessageContaining("APPCARE_WHATSAPP_TOKEN");
        assertThatThrownBy(() -> config.getInt("sender.rate.per.second", 80))
                .hasMessageContaining("sender.rate.per.second").hasMessageContaining("fast");
    }
}
