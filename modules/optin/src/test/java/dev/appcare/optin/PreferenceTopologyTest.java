package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.runtime.AppConfig;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class PreferenceTopologyTest {
    private static final String TOPIC = "traveller.preference.v1";
    // Any time works: the table keeps the latest record per key whatever its timestamp.
    private static final Instant AT = Instant.parse("2026-11-23T08:00:00Z");

    /**
     * The store's production Streams settings ({@link OptinSettings#streamsProperties}), pointed at no broker;
     * the settings are only valid with an API key, which the store never reads.
     */
    private static Properties config() {
        return OptinSettings.from(AppConfig.of(Map.of("kafka.bootstrap.servers", "unused:9092",
                OptinSettings.APPLICATION_ID, "optin-topology-test",
                OptinSettings.STATE_DIR, Path.of("target", "optin-topology-test").toString(),
                "optin.auth.key.test.secret", "unused-by-the-store-0123456789abcdef", "optin.auth.key.test.permissions", "read"))).streamsProperties();
    }

    @Test
    void shouldKeepItsNodeAndStoreNames() {
        // A renamed store is a new, empty store in production: this pins the names.
        Topology topology = PreferenceTopology.build(TOPIC, config());
        assertThat(topology.describe().toString()).isEqualTo("""
                Topologies:
                   Sub-topology: 0
                    Source: optin-preference-source (topics: [traveller.preference.v1])
                      --> optin-preference
                    Processor: optin-preference (stores: [optin-preferences])
                      --> none
                      <-- optin-preference-source

                """);
    }

    @Test
    void shouldHoldTheLatestBytesPerTravellerAndForgetATombstoneWithoutAChangelog() {
        try (TopologyTestDriver driver = new TopologyTestDriver(PreferenceTopology.build(TOPIC, config()), config())) {
            TestInputTopic<String, byte[]> input = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
            input.pipeInput("ABC123/1", bytes("first"), AT);
            input.pipeInput("XYZ789/2", bytes("other"), AT.plusSeconds(1));
            input.pipeInput("ABC123/1", bytes("second"), AT.plusSeconds(2));
            input.pipeInput("XYZ789/2", null, AT.plusSeconds(3));

            KeyValueStore<String, byte[]> store = driver.getKeyValueStore(PreferenceTopology.STORE);
            Map<String, String> contents = new HashMap<>();
            try (KeyValueIterator<String, byte[]> all = store.all()) {
                all.forEachRemaining((KeyValue<String, byte[]> e) -> contents.put(e.key, new String(e.value, StandardCharsets.UTF_8)));
            }
            assertThat(contents).containsExactly(Map.entry("ABC123/1", "second"));
            // The source topic is the store's changelog: nothing else is written, no second copy to erase.
            assertThat(driver.producedTopicNames()).isEmpty();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
