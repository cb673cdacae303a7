package dev.appcare.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TakeoverTest {
    private static final Instant KILL = Instant.parse("2026-12-02T01:10:00.000Z");
    private static final String TOPIC = "notify.whatsapp-request.v1";

    @Test
    void shouldMeasureFromTheKillToOwnershipAndToTheFirstDeliveryFromTheMovedPartitions() {
        List<String> log = List.of(
                "01:10:03.100 INFO  [main] d.a.s.RequestConsumerLoop - Partitions revoked: [notify.whatsapp-request.v1-1]",
                "01:10:07.250 INFO  [main] d.a.s.RequestConsumerLoop - Partitions assigned: [notify.whatsapp-request.v1-0, "
                        + "notify.whatsapp-request.v1-4] (ledger of 10 ids read in 12 ms; pacing at 80 msg/s)");
        List<Takeover.Delivery> deliveries = List.of(
                new Takeover.Delivery(0, KILL.minusSeconds(1)),            // by the victim, before the kill
                new Takeover.Delivery(2, KILL.plusSeconds(1)),             // the survivor's own partition
                new Takeover.Delivery(4, Instant.parse("2026-12-02T01:10:09.500Z")),
                new Takeover.Delivery(0, Instant.parse("2026-12-02T01:10:08.900Z")));

        Takeover.Result result = Takeover.measure(KILL, log, ZoneOffset.UTC, TOPIC, deliveries).orElseThrow();

        assertThat(result.owned()).isEqualTo(Instant.parse("2026-12-02T01:10:07.250Z"));
        assertThat(result.partitions()).isEqualTo(Set.of(0, 4));
        assertThat(result.firstDelivery()).contains(Instant.parse("2026-12-02T01:10:08.900Z"));
    }

    @Test
    void shouldSayWhenNoPartitionMovedOrNothingWasDeliveredFromThem() {
        assertThat(Takeover.measure(KILL, List.of("01:10:01.000 INFO started"), ZoneOffset.UTC, TOPIC, List.of())).isEmpty();
        assertThat(Takeover.measure(KILL, List.of("01:10:07.000 INFO x - Partitions assigned: [notify.whatsapp-request.v1-2]"),
                ZoneOffset.UTC, TOPIC, List.of()).orElseThrow().firstDelivery()).isEmpty();
    }
}
