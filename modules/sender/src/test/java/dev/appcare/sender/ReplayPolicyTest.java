package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.Priority;
import dev.appcare.model.Replay;
import dev.appcare.sender.state.LedgerEntries;
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
        var dropped = LedgerEntries.entry("m", LedgerState.DROPPED, 1, null, 2);
        assertThat(arrival(dropped, REDRIVE)).isEqualTo(SendDecisions.Arrival.QUEUE);
        assertThat(arrival(dropped, REPROCESS)).isEqualTo(SendDecisions.Arrival.ALREADY_DROPPED);
        assertThat(arrival(dropped, LIVE)).isEqualTo(SendDecisions.Arrival.ALREADY_DROPPED);
        assertThat(ReplayPolicy.redrivenOver(dropped, REDRIVE)).isEqualTo(LedgerEntries.dropMark(dropped)).isEqualTo("DROPPED@1");
        assertThat(ReplayPolicy.redrivenOver(dropped, REPROCESS)).isNull();
        assertThat(ReplayPolicy.redrivenOver(dropped, LIVE)).isNull();
    }

    @Test
    void shouldNeverLetARedriveSendAnIdAlreadyAcceptedOrInDoubt() {
        var accepted = LedgerEntries.entry("m", LedgerState.ACCEPTED, 1, "wamid.x", 2);
        var attempting = LedgerEntries.entry("m", LedgerState.ATTEMPTING, 1, null, 2);
        assertThat(ReplayPolicy.ledgerView(accepted, REDRIVE)).isSameAs(accepted);
        assertThat(ReplayPolicy.ledgerView(attempting, REDRIVE)).isSameAs(attempting);
        assertThat(arrival(accepted, REDRIVE)).isEqualTo(SendDecisions.Arrival.ALREADY_ACCEPTED);
        assertThat(arrival(attempting, REDRIVE)).isEqualTo(SendDecisions.Arrival.IN_DOUBT_WAIT);
        assertThat(ReplayPolicy.redrivenOver(accepted, REDRIVE)).isNull();
        assertThat(ReplayPolicy.redrivenOver(attempting, REDRIVE)).isNull();
        assertThat(ReplayPolicy.ledgerView(null, REDRIVE)).isNull();
        assertThat(ReplayPolicy.redrivenOver(null, REDRIVE)).isNull();
    }

    /** The arrival decision on the entry as the replay sees it; entries expire at 2, decided at 1. */
    private static SendDecisions.Arrival arrival(dev.appcare.avro.SendLedgerEntry entry, Optional<Replay.Kind> replay) {
        return SendDecisions.onArrival(false, ReplayPolicy.ledgerView(entry, replay), dev.appcare.avro.MessageKind.DELAY,
                1, 2, new InDoubtPolicy(java.time.Duration.ofSeconds(60), java.util.EnumSet.noneOf(dev.appcare.avro.MessageKind.class),
                        java.time.Duration.ofSeconds(17)));
    }
}
