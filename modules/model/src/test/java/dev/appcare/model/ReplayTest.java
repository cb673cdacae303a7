package dev.appcare.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ReplayTest {

    @Test
    void shouldReadBackTheKindAndOriginItMarks() {
        RecordHeaders headers = new RecordHeaders();
        Replay.mark(headers, Replay.Kind.REDRIVE, "notify.whatsapp-request.dlq.v1", 3, 42);

        assertThat(Replay.kindOf(headers)).contains(Replay.Kind.REDRIVE);
        assertThat(Replay.originOf(headers)).contains("notify.whatsapp-request.dlq.v1/3/42");
        assertThat(new String(headers.lastHeader("appcare.replay").value(), StandardCharsets.UTF_8)).isEqualTo("redrive");
    }

    @Test
    void shouldReplaceAnEarlierMarkRatherThanStackingIt() {
        RecordHeaders headers = new RecordHeaders();
        Replay.mark(headers, Replay.Kind.REPROCESS, "flight.status.v1", 0, 1);
        Replay.mark(headers, Replay.Kind.REDRIVE, "notify.whatsapp-request.dlq.v1", 1, 7);

        assertThat(headers.headers(Replay.HEADER)).hasSize(1);
        assertThat(Replay.kindOf(headers)).contains(Replay.Kind.REDRIVE);
        assertThat(Replay.originOf(headers)).contains("notify.whatsapp-request.dlq.v1/1/7");
    }

    @Test
    void shouldTreatLiveRecordsAndUnknownValuesAsNotReplayed() {
        assertThat(Replay.kindOf(new RecordHeaders())).isEmpty();
        assertThat(Replay.kindOf(null)).isEmpty();
        RecordHeaders odd = new RecordHeaders();
        odd.add(Replay.HEADER, "yesterday".getBytes(StandardCharsets.UTF_8));
        assertThat(Replay.kindOf(odd)).isEmpty();
    }
}
