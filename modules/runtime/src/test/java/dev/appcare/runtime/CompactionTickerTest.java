package dev.appcare.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.model.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class CompactionTickerTest {

    @Test
    void shouldAppendOneTombstoneToEveryPartitionOfEveryTopic() {
        Node node = new Node(0, "127.0.0.1", 9092);
        Cluster cluster = new Cluster("c", List.of(node), List.of(
                new PartitionInfo("traveller.preference.v1", 0, node, new Node[] {node}, new Node[] {node}),
                new PartitionInfo("traveller.preference.v1", 1, node, new Node[] {node}, new Node[] {node}),
                new PartitionInfo("app-traveller-preferences-changelog", 0, node, new Node[] {node}, new Node[] {node})),
                java.util.Set.of(), java.util.Set.of());
        MockProducer<byte[], byte[]> producer = new MockProducer<>(cluster, true, null, new ByteArraySerializer(), new ByteArraySerializer());
        CompactionTicker ticker = new CompactionTicker(producer,
                () -> List.of("traveller.preference.v1", "app-traveller-preferences-changelog"), () -> { }, Duration.ofMinutes(90));

        assertThat(ticker.tick()).isEqualTo(3);

        assertThat(producer.history()).extracting(r -> r.topic() + "/" + r.partition())
                .containsExactly("traveller.preference.v1/0", "traveller.preference.v1/1", "app-traveller-preferences-changelog/0");
        assertThat(producer.history()).allSatisfy(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Keys.COMPACTION_TICK);
            assertThat(r.value()).as("a tombstone").isNull();
        });
        assertThat(ticker.ticks()).isEqualTo(1);
    }
}
