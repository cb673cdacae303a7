package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.Priority;
import dev.appcare.model.Replay;
import dev.appcare.sender.state.SendLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplayPolicyTest {
    private static final Optional<Replay.Kind> LIVE = Optional.empty();
    private static final Optional<Replay.Kind> REDRIVE = Optional.of(Replay.Kind.REDRIVE);
    private static final Optional<Replay.Kind> REPROCESS = Optional.of(Replay.Kind.REPROCESS);

    @Test
    void shouldRankEveryReplayedRequestBelowLiveBulk() {
        assertThat(ReplayPolicy.rank(Priority.URGENT, LIVE)).isZero();
        assertThat(ReplayPolicy.rank(Priority.NORMAL, LIVE)).isEqualTo(1);
        assertThat(ReplayPolicy.rank(Priority.BULK, LIVE)).isEqualTo(2);
        for (Priority p : Priority.values()) {
            assertThat(ReplayPolicy.rank(p, REDRIVE)).as("redriven %s", p).isEqualTo(3);
            assertThat(ReplayPolicy.rank(p, REPROCESS)).as("reprocessed %s", p).isEqualTo(3);
        }
    }

    @Test
    void shouldSendLiveRequestsOfEveryPriorityBeforeAnyReplayedOne() {
        SendScheduler scheduler = new SendScheduler(6_000);
        long[] seq = {0};
        java.util.function.BiFunction<String, Optional<Replay.Kind>, SendJob> job = (id, replay) -> {
            Priority priority = Priority.valueOf(id.substring(id.indexOf('-') + 1, id.lastIndexOf('-')).toUpperCase());
            var request = Requests.gateChange(id, "+3160000" + String.format("%04d", seq[0]), "ABC123/1")
                    .setPriority(priority).build();
            return new SendJob(request, ReplayPolicy.rank(priority, replay), seq[0]++,
                    new TopicPartition("requests", 0), seq[0], 0, null, new byte[0]);
        };
        // The replayed ones arrive first (a redrive of a whole window), the live ones behind them.
        scheduler.add(job.apply("replay-urgent-1", REDRIVE));
        scheduler.add(job.apply("replay-normal-1", REDRIVE));
        scheduler.add(job.apply("live-bulk-1", LIVE));
        scheduler.add(job.apply("live-urgent-1", LIVE));
        scheduler.add(job.apply("live-normal-1", LIVE));

        List<String> order = new ArrayList<>();
        for (SendJob j; (j = scheduler.poll(0)) != null; ) {
            order.add(j.messageId);
        }
        assertThat(order).containsExactly("live-urgent-1", "live-normal-1", "live-bulk-1",
                "replay-urgent-1", "replay-normal-1");
    }

    @Test
    void shouldLetOnlyARedriveSendAnIdThatWasDropped() {
        var dropped = SendLedger.entry("m", LedgerState.DROPPED, 1, null, 2);
        assertThat(LedgerRules.onArrival(ReplayPolicy.ledgerView(dropped, REDRIVE))).isEqualTo(LedgerRules.OnArrival.SEND);
        assertThat(LedgerRules.onArrival(ReplayPolicy.ledgerView(dropped, REPROCESS))).isEqualTo(LedgerRules.OnArrival.ALREADY_DROPPED);
        assertThat(LedgerRules.onArrival(ReplayPolicy.ledgerView(dropped, LIVE))).isEqualTo(LedgerRules.OnArrival.ALREADY_DROPPED);
    }

    @Test
    void shouldNeverLetARedriveSendAnIdAlreadyAcceptedOrInDoubt() {
        var accepted = SendLedger.entry("m", LedgerState.ACCEPTED, 1, "wamid.x", 2);
        var attempting = SendLedger.entry("m", LedgerState.ATTEMPTING, 1, null, 2);
        assertThat(ReplayPolicy.ledgerView(accepted, REDRIVE)).isSameAs(accepted);
        assertThat(ReplayPolicy.ledgerView(attempting, REDRIVE)).isSameAs(attempting);
        assertThat(LedgerRules.onArrival(ReplayPolicy.ledgerView(accepted, REDRIVE))).isEqualTo(LedgerRules.OnArrival.ALREADY_ACCEPTED);
        assertThat(LedgerRules.onArrival(ReplayPolicy.ledgerView(attempting, REDRIVE))).isEqualTo(LedgerRules.OnArrival.IN_DOUBT);
        assertThat(ReplayPolicy.ledgerView(null, REDRIVE)).isNull();
    }
}
