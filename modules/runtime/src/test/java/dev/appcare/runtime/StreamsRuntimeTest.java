package dev.appcare.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.TopicSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.Test;

class StreamsRuntimeTest {
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", "http://registry:8081");

    @Test
    void shouldFixWhatEveryStreamsRoleNeedsAndPassTheRestThrough() {
        AppConfig config = AppConfig.of(Map.of(
                "kafka.bootstrap.servers", "broker:9093",
                "kafka.processing.guarantee", "at_least_once",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.topic.segment.ms", "123",
                "care.application.id", "care-blue",
                "care.state.dir", "/var/lib/care"));

        Properties properties = StreamsRuntime.properties(config, "care", 8093, SERDE, Map.of("delete.retention.ms", "1000"));

        assertThat(properties)
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("application.id", "care-blue")
                .containsEntry("state.dir", "/var/lib/care")
                .containsEntry("schema.registry.url", "http://registry:8081")
                .containsEntry("topic.segment.ms", "123")
                .containsEntry("topic.delete.retention.ms", "1000")
                .containsEntry("topic.max.compaction.lag.ms",
                        TopicSpec.compactionConfigs(ErasureBound.DEFAULT).get("max.compaction.lag.ms"));
    }

    @Test
    void shouldDefaultApplicationIdAndStateDirectoryFromTheRoleAndHealthPort() {
        Properties properties = StreamsRuntime.properties(AppConfig.of(Map.of()), "notifier", 8090, SERDE, Map.of());

        assertThat(properties)
                .containsEntry("bootstrap.servers", ClientSettings.DEFAULT_BOOTSTRAP)
                .containsEntry("application.id", "appcare-notifier")
                .containsEntry("state.dir", Path.of(System.getProperty("java.io.tmpdir"), "appcare-notifier",
                        "appcare-notifier-8090").toString())
                .containsEntry("topic.delete.retention.ms",
                        TopicSpec.compactionConfigs(ErasureBound.DEFAULT).get("delete.retention.ms"));
        assertThat(StreamsRuntime.applicationIdKey("notifier")).isEqualTo("notifier.application.id");
        assertThat(StreamsRuntime.stateDirKey("care")).isEqualTo("care.state.dir");
    }

    @Test
    void shouldGiveTheAdminClientItsSettingsSecurityIncluded() {
        Properties properties = StreamsRuntime.properties(AppConfig.of(Map.of(
                "kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "SCRAM-SHA-512")), "care", 0, SERDE, Map.of());

        assertThat(StreamsRuntime.adminConfig(properties))
                .containsEntry("bootstrap.servers", ClientSettings.DEFAULT_BOOTSTRAP)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .doesNotContainKeys("application.id", "processing.guarantee", "schema.registry.url", "topic.segment.ms");
    }

    @Test
    void shouldRefuseToStartWithoutItsEndpointAndEndAwaitingOnClose() throws InterruptedException {
        StreamsRuntime runtime = new StreamsRuntime("care");
        Properties properties = StreamsRuntime.properties(AppConfig.of(Map.of()), "care", 0, SERDE, Map.of());

        assertThatThrownBy(() -> runtime.start(new StreamsBuilder().build(), properties, HealthServer.newMeterRegistry(),
                StreamsRuntime.replaceThread(), ErasureBound.DEFAULT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("health(");
        assertThat(runtime.state()).isEqualTo(KafkaStreams.State.CREATED);
        assertThat(runtime.healthPort()).isEqualTo(-1);

        runtime.close();
        assertThat(runtime.awaitTermination()).isFalse();
    }
}
