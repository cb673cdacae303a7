package dev.appcare.care.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.care.CareConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/**
 * Pins care's topology and every name in it. A renamed store loses its state (conversations, what each
 * number was sent) in production: if this fails because of a deliberate change, plan the migration, then
 * update {@code care-topology.txt} (the actual description is written to {@code target/care-topology.actual.txt}).
 */
class TopologyDescriptionTest {

    @Test
    void shouldKeepEveryProcessorStoreAndTopicName() throws IOException {
        Topology topology = CareTopology.build(CareConfig.defaults("mock://describe"));
        String actual = topology.describe().toString();
        Files.writeString(Path.of("target", "care-topology.actual.txt"), actual);

        assertThat(actual).isEqualToIgnoringNewLines(expected());
    }

    private static String expected() throws IOException {
        try (InputStream in = Objects.requireNonNull(TopologyDescriptionTest.class.getResourceAsStream("care-topology.txt"),
                "care-topology.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
