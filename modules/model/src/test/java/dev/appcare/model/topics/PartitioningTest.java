package dev.appcare.model.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitioningTest {

    @Test
    void shouldReadPerTopicPartitionCountsFromConfiguration() {
        Map<String, Integer> counts = Partitioning.configured(Map.of(
                "topics.partitions.notify.whatsapp-request.v1", "24", "topics.partitions.care.inbound.v1", " 24 ",
                "kafka.bootstrap.servers", "x"));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("notify.whatsapp-request.v1", 24, "care.inbound.v1", 24));

        assertThatThrownBy(() -> Partitioning.configured(Map.of("topics.partitions.notify.request", "6")))
                .hasMessageContaining("topics.partitions.notify.request: no such topic");
        assertThatThrownBy(() -> Partitioning.configured(Map.of("topics.partitions.care.inbound.v1", "0")))
                .hasMessageContaining("at least 1");
    }

    @Test
    void shouldNameTheGroupWhoseTopicsDisagree() {
        Map<String, Integer> agree = Map.of("care.inbound.v1", 12, "care.agent-reply.v1", 12,
                "notify.whatsapp-request.v1", 12, "flight.status.v1", 3);
        assertThat(Partitioning.violations(agree, Partitioning.CO_PARTITIONED)).isEmpty();

        Map<String, Integer> disagree = Map.of("care.inbound.v1", 12, "care.agent-reply.v1", 12,
                "notify.whatsapp-request.v1", 24);
        assertThat(Partitioning.violations(disagree, Partitioning.CO_PARTITIONED)).singleElement().asString()
                .startsWith("co-partitioned topics of 'care-conversation' disagree: {care.inbound.v1=12, "
                        + "care.agent-reply.v1=12, notify.whatsapp-request.v1=24}");
        assertThat(Partitioning.violations(Map.of("care.inbound.v1", 1), Partitioning.CO_PARTITIONED))
                .as("topics not given are not judged").isEmpty();
    }
}
