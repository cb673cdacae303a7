package dev.appcare.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.notifier.NotifierConfig;
import dev.appcare.notifier.testing.NotifierDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/**
 * Pins the topology's shape and every name in it. A renamed store or repartition topic loses its state
 * (or its in-flight records) in production: if this test fails because of a deliberate change, plan the
 * migration, then update {@code notifier-topology.txt} (the actual description is written to
 * {@code target/notifier-topology.actual.txt}).
 */
class TopologyDescriptionTest {

    @Test
    void shouldKeepEveryProcessorStoreAndTopicName() throws IOException {
        Topology topology = NotifierTopology.build(NotifierConfig.defaults("mock://describe"));
        String actual = topology.describe().toString();
        Files.writeString(Path.of("target", "notifier-topology.actual.txt"), actual);

        assertThat(actual).isEqualToIgnoringNewLines(expected());
    }

    @Test
    void shouldBuildWithABuilderThatRefusesGeneratedNames() {
        StreamsBuilder unnamed = NotifierTopology.newBuilder();
        unnamed.stream("in").repartition().groupByKey().count().toStream().to("out");

        assertThatThrownBy(unnamed::build).isInstanceOf(TopologyException.class)
                .hasMessageContaining("has not been named");
        // ... and the notifier's own topology passes the same check.
        NotifierConfig config = NotifierConfig.defaults("mock://describe");
        Topology topology = NotifierTopology.build(config);
        new TopologyTestDriver(topology, NotifierDriver.properties(config, Path.of("target", "naming-state"))).close();
    }

    @Test
    void shouldRefuseToBuildWithoutPartitionCounts() {
        assertThatThrownBy(() -> NotifierTopology.build(NotifierConfig.defaults("mock://describe").withPartitions(0, 6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partition counts");
    }

    private static String expected() throws IOException {
        try (InputStream in = TopologyDescriptionTest.class.getResourceAsStream("notifier-topology.txt")) {
            return new String(Objects.requireNonNull(in, "notifier-topology.txt").readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
