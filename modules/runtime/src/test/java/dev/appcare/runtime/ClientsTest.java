package dev.appcare.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientsTest {

    private static final AppConfig SECURED = AppConfig.of(Map.of(
            "kafka.bootstrap.servers", "k:9093", "kafka.security.protocol", "SASL_SSL",
            "schema.registry.url", "https://r:8081", "basic.auth.user.info", "u:p", "auto.register.schemas", "false",
            "sender.rate.per-second", "80"));

    @Test
    void shouldCarryEveryClientAndRegistrySettingOfTheRole() {
        Clients clients = Clients.from(SECURED, null, null);

        assertThat(clients.bootstrapServers()).isEqualTo("k:9093");
        assertThat(clients.kafka()).isEqualTo(Map.of("bootstrap.servers", "k:9093", "security.protocol", "SASL_SSL"));
        assertThat(clients.serde()).isEqualTo(Map.of("schema.registry.url", "https://r:8081",
                "basic.auth.user.info", "u:p", "auto.register.schemas", "false"));
    }

    @Test
    void shouldRequireBrokerAndRegistryWithoutDefaultsAndFillThemWithDefaults() {
        assertThatThrownBy(() -> Clients.from(AppConfig.of(Map.of("schema.registry.url", "http://r")), null, null))
                .hasMessage("missing configuration 'kafka.bootstrap.servers' (or env APPCARE_KAFKA_BOOTSTRAP_SERVERS)");

        Clients local = Clients.from(AppConfig.of(Map.of()), ClientSettings.DEFAULT_BOOTSTRAP, RoleOptions.DEFAULT_REGISTRY);
        assertThat(local.kafka()).isEqualTo(Map.of("bootstrap.servers", "127.0.0.1:9092"));
        assertThat(local.serde()).isEqualTo(Map.of("schema.registry.url", RoleOptions.DEFAULT_REGISTRY));
    }

    @Test
    void shouldLetTheRolesKafkaSettingsWinOverItsDefaults() {
        Clients clients = Clients.from(AppConfig.of(Map.of("kafka.bootstrap.servers", "k:9092", "kafka.session.timeout.ms", "10000",
                "schema.registry.url", "http://r")), null, null).withKafkaDefaults(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "2000"));

        assertThat(clients.kafka()).isEqualTo(Map.of("bootstrap.servers", "k:9092", "session.timeout.ms", "10000",
                "heartbeat.interval.ms", "2000"));
    }
}
